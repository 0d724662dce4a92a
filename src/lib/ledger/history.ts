import type { CachedHistory, HistoryEntry } from '$lib/offline/types';
import { peekOne } from '$lib/offline/peek';
import { getSupabase } from '$lib/supabase/lazy';

export type { HistoryEntry };

/** Where the next page starts: the last entry shown (keyset, newest first). */
export interface Cursor {
	createdAt: string;
	id: number;
}

export type PageResult =
	| { ok: true; entries: HistoryEntry[]; updatedAt: number }
	| { ok: false; problem: 'network' | 'unknown' };

export const PAGE_SIZE = 20;

interface EntryRow {
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

/** A membership's ledger, newest first: `my_history()` under RLS; the first page kept offline. */
export const history = {
	/** One page after `before` (the first page when null); the first page replaces the device's copy. */
	async page(memberId: string, before: Cursor | null): Promise<PageResult> {
		if (!navigator.onLine) return { ok: false, problem: 'network' };
		try {
			const supabase = await getSupabase();
			const { data, error } = await supabase.rpc('my_history', {
				p_member_id: memberId,
				p_before_created_at: before?.createdAt ?? null,
				p_before_id: before?.id ?? null,
				p_limit: PAGE_SIZE
			});
			if (error) return { ok: false, problem: error.code ? 'unknown' : 'network' };
			const entries = (data as EntryRow[]).map(toEntry);
			const updatedAt = Date.now();
			if (!before) {
				const { db } = await import('$lib/offline/db');
				await db.history.put({ memberId, entries, updatedAt });
			}
			return { ok: true, entries, updatedAt };
		} catch {
			return { ok: false, problem: 'network' };
		}
	},

	/** The first page as last seen on this device, or null. */
	cached(memberId: string): Promise<CachedHistory | null> {
		return peekOne<CachedHistory>('history', memberId);
	}
};

/** The keyset position just after `entry`. */
export function cursorAfter(entry: HistoryEntry): Cursor {
	return { createdAt: entry.createdAt, id: entry.id };
}

function toEntry(row: EntryRow): HistoryEntry {
	return {
		id: Number(row.id),
		account: row.account,
		kind: row.kind,
		amount: Number(row.amount),
		balanceAfter: Number(row.balance_after),
		reasonKey: row.reason_key,
		reasonParams: row.reason_params ?? {},
		createdAt: row.created_at,
		purchase: row.purchase && {
			id: row.purchase.id,
			amount: Number(row.purchase.amount),
			occurredAt: row.purchase.occurred_at,
			refundedAmount: Number(row.purchase.refunded_amount)
		},
		ruleVersion: row.rule_version
	};
}
