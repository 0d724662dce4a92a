/**
 * The members data module for managers: search, profile, history, adjustments and their second
 * approval, and the export. Each verb calls one SQL function that checks the caller's role in the
 * club; the client is passed in so the integration tests drive exactly these calls.
 */
import type { PostgrestError, SupabaseClient } from '@supabase/supabase-js';
import { exportCsv, type ExportMember } from './csv';

export interface MemberCard extends ExportMember {
	id: string;
}

export interface MemberProfile extends MemberCard {
	program_id: string;
	is_me: boolean;
	purchases: { count: number; amount: number };
	pending: { id: string; account: 'points' | 'wallet'; amount: number; reason: string }[];
}

export interface StaffHistoryEntry {
	id: number;
	account: 'points' | 'wallet';
	kind: string;
	amount: number;
	balance_after: number;
	reason_key: string;
	reason_params: Record<string, unknown> | null;
	created_at: string;
	purchase: { id: string; amount: number; occurred_at: string; refunded_amount: number } | null;
	rule_version: number | null;
}

export interface PendingApproval {
	id: string;
	member_id: string;
	member_number: number;
	display_name: string | null;
	account: 'points' | 'wallet';
	amount: number;
	reason: string;
	created_at: string;
	/** The caller asked for it, so another manager must decide. */
	mine: boolean;
	own_card: boolean;
}

export type AdjustResult =
	| { status: 'applied'; balances: { points: number; wallet: number } }
	| { status: 'pending'; approval_id: string; threshold: number };

/** An error as the app shows it: the stable code and the sentence for people. */
export class ProblemError extends Error {
	constructor(
		readonly code: string,
		readonly details: string
	) {
		super(code);
	}
}

function unwrap<T>(result: { data: unknown; error: PostgrestError | null }): T {
	if (result.error) {
		throw new ProblemError(
			result.error.code ? result.error.message : 'network',
			result.error.details ?? ''
		);
	}
	return result.data as T;
}

export const PAGE_SIZE = 20;

export const members = {
	/** Members by name, member number or phone; `after` is the last member number shown. */
	async search(
		client: SupabaseClient,
		programId: string,
		query: string,
		after: number | null = null
	): Promise<MemberCard[]> {
		return unwrap(
			await client.rpc('search_members', {
				p_program_id: programId,
				p_query: query,
				p_after: after,
				p_limit: PAGE_SIZE
			})
		);
	},

	async profile(client: SupabaseClient, memberId: string): Promise<MemberProfile> {
		return unwrap(await client.rpc('member_profile', { p_member_id: memberId }));
	},

	/** One page of the member's ledger after `before` (newest first). */
	async history(
		client: SupabaseClient,
		memberId: string,
		before: { createdAt: string; id: number } | null
	): Promise<StaffHistoryEntry[]> {
		return unwrap(
			await client.rpc('member_history', {
				p_member_id: memberId,
				p_before_created_at: before?.createdAt ?? null,
				p_before_id: before?.id ?? null,
				p_limit: PAGE_SIZE
			})
		);
	},

	/** A manual adjustment with its reason; above the club's threshold it waits for a second manager. */
	async adjust(
		client: SupabaseClient,
		memberId: string,
		account: 'points' | 'wallet',
		amount: number,
		reason: string,
		idempotencyKey: string
	): Promise<AdjustResult> {
		return unwrap(
			await client.rpc('adjust_balance', {
				p_member_id: memberId,
				p_amount: amount,
				p_reason: reason,
				p_idempotency_key: idempotencyKey,
				p_account_kind: account
			})
		);
	},

	async pending(client: SupabaseClient, programId: string): Promise<PendingApproval[]> {
		return unwrap(await client.rpc('pending_approvals', { p_program_id: programId }));
	},

	async decide(
		client: SupabaseClient,
		approvalId: string,
		approve: boolean
	): Promise<{ status: 'approved' | 'rejected' | 'applied' }> {
		return unwrap(
			await client.rpc('decide_approval', { p_approval_id: approvalId, p_approve: approve })
		);
	},

	/** Every member of the club as CSV chunks (keyset pages), reporting how many so far. */
	async exportCsv(
		client: SupabaseClient,
		programId: string,
		onProgress: (count: number) => void = () => {}
	): Promise<string[]> {
		const chunks: string[] = [];
		let after: number | null = null;
		let count = 0;
		for (;;) {
			const page: ExportMember[] = unwrap(
				await client.rpc('export_members', {
					p_program_id: programId,
					p_after: after,
					p_limit: 5000
				})
			);
			chunks.push(exportCsv(page, chunks.length === 0));
			count += page.length;
			onProgress(count);
			if (page.length < 5000) return chunks;
			after = page[page.length - 1].member_number;
		}
	}
};
