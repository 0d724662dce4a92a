import { getSupabase } from '$lib/supabase/lazy';
import { isStaffRole, type StaffRole } from './roles';

/** A club the signed-in user works for, with their role in it. */
export interface StaffClub {
	id: string;
	slug: string;
	name: string;
	currency: string;
	locale: 'fa' | 'he' | 'en';
	timezone: string;
	branding: Record<string, unknown>;
	settings: Record<string, unknown>;
	role: StaffRole;
}

const COLUMNS =
	'role, programs!inner (id, slug, name, currency, locale, timezone, branding, settings)';

interface Row {
	role: string;
	programs: Omit<StaffClub, 'role'>;
}

function toClub(row: Row): StaffClub | null {
	return isStaffRole(row.role) ? { ...row.programs, role: row.role } : null;
}

/** The clubs the user is on the staff of (read under RLS: a user sees only their own rows' clubs). */
export async function myStaffClubs(userId: string): Promise<StaffClub[]> {
	const supabase = await getSupabase();
	const { data, error } = await supabase
		.from('program_staff')
		.select(COLUMNS)
		.eq('user_id', userId)
		.order('created_at');
	if (error) throw error;
	return ((data ?? []) as unknown as Row[]).map(toClub).filter((c): c is StaffClub => c !== null);
}

/** The club with this slug if the user is on its staff, else null. */
export async function staffClub(userId: string, slug: string): Promise<StaffClub | null> {
	const supabase = await getSupabase();
	const { data, error } = await supabase
		.from('program_staff')
		.select(COLUMNS)
		.eq('user_id', userId)
		.eq('programs.slug', slug)
		.maybeSingle();
	if (error) throw error;
	return data ? toClub(data as unknown as Row) : null;
}
