/** Birthday gift settings of a club (owners change them) and the gifts given. */
import { getSupabase } from '$lib/supabase/lazy';

export type BirthdayWindow = 'day' | 'week' | 'month';

export interface BirthdaySettings {
	enabled: boolean;
	window: BirthdayWindow;
	points: number;
}

export interface BirthdayGrant {
	id: string;
	year: number;
	calendar: 'jalali' | 'gregorian';
	points: number;
	granted_at: string;
	member: { member_number: number; display_name: string | null } | null;
}

export function birthdaySettings(settings: Record<string, unknown>): BirthdaySettings {
	const raw = (settings.birthday ?? {}) as Partial<BirthdaySettings>;
	return {
		enabled: raw.enabled === true,
		window: raw.window === 'week' || raw.window === 'month' ? raw.window : 'day',
		points: Number.isFinite(Number(raw.points)) ? Number(raw.points) : 0
	};
}

export const birthdays = {
	async grants(programId: string): Promise<BirthdayGrant[]> {
		const supabase = await getSupabase();
		const { data, error } = await supabase
			.from('birthday_grants')
			.select('id, year, calendar, points, granted_at, member:members(member_number, display_name)')
			.eq('program_id', programId)
			.order('granted_at', { ascending: false })
			.limit(100);
		if (error) throw error;
		return data as unknown as BirthdayGrant[];
	},

	/** Saves the settings into the club's settings (owners only, by row-level security). */
	async save(programId: string, settings: Record<string, unknown>, next: BirthdaySettings) {
		const supabase = await getSupabase();
		const { data, error } = await supabase
			.from('programs')
			.update({ settings: { ...settings, birthday: next } })
			.eq('id', programId)
			.select('id');
		if (error) throw error;
		if (!data.length) throw new Error('VAFA_FORBIDDEN');
	}
};
