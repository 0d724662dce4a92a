import { supabase } from '$lib/supabase/client';
import { db, type CachedCard } from '$lib/offline/db';

export type MemberCard = CachedCard;

/** The user's cards and when they were last read from the server (null: never). */
export interface Wallet {
	cards: MemberCard[];
	updatedAt: number | null;
}

export type WalletResult =
	{ ok: true; wallet: Wallet } | { ok: false; problem: 'network' | 'unknown' };

const MEMBER_COLUMNS =
	'id, member_number, display_name, joined_at, program:programs(id, slug, name, currency, locale, branding)';

interface MemberRow {
	id: string;
	member_number: number;
	display_name: string | null;
	joined_at: string;
	program: MemberCard['club'] | null;
}

/** Membership cards: read under RLS through supabase-js, kept on the device for offline use. */
export const cards = {
	/** Reads the user's memberships from the server and replaces the device's copy with them. */
	async listMine(userId: string): Promise<WalletResult> {
		// Offline, supabase-js would first spend half a minute retrying a token refresh.
		if (!navigator.onLine) return { ok: false, problem: 'network' };
		try {
			// Staff may read every member of their club, so "mine" must be asked for explicitly.
			const { data, error } = await supabase
				.from('members')
				.select(MEMBER_COLUMNS)
				.eq('user_id', userId)
				.order('joined_at')
				.overrideTypes<MemberRow[], { merge: false }>();
			if (error) return { ok: false, problem: error.code ? 'unknown' : 'network' };
			const mine = data.flatMap((row) => (row.program ? [toCard(row, row.program, userId)] : []));
			const updatedAt = Date.now();
			await db.transaction('rw', db.cards, db.stamps, async () => {
				await db.cards.where('userId').equals(userId).delete();
				await db.cards.bulkPut(mine);
				await db.stamps.put({ kind: 'cards', userId, updatedAt });
			});
			return { ok: true, wallet: { cards: mine, updatedAt } };
		} catch {
			return { ok: false, problem: 'network' };
		}
	},

	/** The device's copy of the user's cards, or null when there is none. */
	async cached(userId: string): Promise<Wallet | null> {
		const stamp = await db.stamps.get('cards');
		if (stamp?.userId !== userId) return null;
		const mine = await db.cards.where('userId').equals(userId).sortBy('joinedAt');
		return { cards: mine, updatedAt: stamp.updatedAt };
	}
};

function toCard(row: MemberRow, club: MemberCard['club'], userId: string): MemberCard {
	return {
		id: row.id,
		userId,
		memberNumber: Number(row.member_number),
		displayName: row.display_name,
		joinedAt: row.joined_at,
		club
	};
}
