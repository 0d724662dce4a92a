import { getSupabase } from '$lib/supabase/lazy';
import type { StaffRole } from '$lib/staff/roles';
import { attempt, failure, type Result } from './result';

export interface Invitation {
	id: string;
	phone: string;
	role: StaffRole;
	createdAt: string;
	invitedBy: string | null;
}

export interface AuditEntry {
	id: number;
	actor: string | null;
	action: string;
	targetTable: string | null;
	targetId: string | null;
	details: Record<string, unknown>;
	createdAt: string;
}

export const AUDIT_PAGE = 25;

interface AuditRow {
	id: number;
	actor: string | null;
	action: string;
	target_table: string | null;
	target_id: string | null;
	details: Record<string, unknown>;
	created_at: string;
}

/** Each staff change is one function call; the database checks the owner and writes the audit log. */
async function call<T>(fn: string, args: Record<string, unknown>): Promise<Result<T>> {
	return attempt(async () => {
		const supabase = await getSupabase();
		const { data, error } = await supabase.rpc(fn, args);
		if (error) return failure(error);
		return { ok: true, value: data as T };
	});
}

/** The club's staff and its audit log, for its owners. */
export const adminStaff = {
	/** Open invitations (owners only, by RLS). */
	invitations(programId: string): Promise<Result<Invitation[]>> {
		return attempt(async () => {
			const supabase = await getSupabase();
			const { data, error } = await supabase
				.from('staff_invitations')
				.select('id, phone, role, created_at, invited_by')
				.eq('program_id', programId)
				.is('accepted_at', null)
				.is('revoked_at', null)
				.order('created_at', { ascending: false });
			if (error) return failure(error);
			return {
				ok: true,
				value: (
					data as {
						id: string;
						phone: string;
						role: StaffRole;
						created_at: string;
						invited_by: string | null;
					}[]
				).map((row) => ({
					id: row.id,
					phone: row.phone,
					role: row.role,
					createdAt: row.created_at,
					invitedBy: row.invited_by
				}))
			};
		});
	},

	/** Invites a phone (E.164) as cashier or manager: added at once if they have an account. */
	invite(programId: string, phone: string, role: 'cashier' | 'manager') {
		return call<{ status: 'added' | 'invited'; created: boolean; invitation_id: string }>(
			'invite_staff',
			{ p_program_id: programId, p_phone: phone, p_role: role }
		);
	},

	revokeInvitation(invitationId: string) {
		return call<{ revoked_at: string }>('revoke_staff_invitation', {
			p_invitation_id: invitationId
		});
	},

	changeRole(programId: string, userId: string, role: StaffRole) {
		return call<{ changed: boolean }>('change_staff_role', {
			p_program_id: programId,
			p_user_id: userId,
			p_role: role
		});
	},

	remove(programId: string, userId: string) {
		return call<{ removed: boolean }>('remove_staff', {
			p_program_id: programId,
			p_user_id: userId
		});
	},

	/** One page of the audit log, newest first, before entry `before` when given. */
	audit(programId: string, before?: number): Promise<Result<AuditEntry[]>> {
		return attempt(async () => {
			const supabase = await getSupabase();
			let query = supabase
				.from('audit_log')
				.select('id, actor, action, target_table, target_id, details, created_at')
				.eq('program_id', programId)
				.order('id', { ascending: false })
				.limit(AUDIT_PAGE);
			if (before !== undefined) query = query.lt('id', before);
			const { data, error } = await query;
			if (error) return failure(error);
			return {
				ok: true,
				value: (data as AuditRow[]).map((row) => ({
					id: Number(row.id),
					actor: row.actor,
					action: row.action,
					targetTable: row.target_table,
					targetId: row.target_id,
					details: row.details ?? {},
					createdAt: row.created_at
				}))
			};
		});
	}
};
