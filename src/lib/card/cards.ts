import type { CachedCard, CardSecret, Stamp } from '$lib/offline/types';
import { peek } from '$lib/offline/peek';
import { getSupabase } from '$lib/supabase/lazy';

export type MemberCard = CachedCard;

/** The user's cards and when they were last read from the server (null: never). */
export interface Wallet {
	cards: MemberCard[];
	updatedAt: number | null;
}

/** `changed` is false when the server's cards are those the device already had. */
export type WalletResult =
	{ ok: true; wallet: Wallet; changed: boolean } | { ok: false; problem: 'network' | 'unknown' };

/** One card as `my_cards()` returns it. */
interface CardRow {
	member_id: string;
	member_number: number;
	display_name: string | null;
	joined_at: string;
	birthday: string | null;
	referral_code: string | null;
	club: MemberCard['club'];
	points: number;
	wallet: number;
	expiring_soon: number;
	tier: {
		name: string;
		rank: number;
		benefits: unknown;
		keep: { threshold: number; window_days: number; earned: number; remaining: number } | null;
	} | null;
	next_tier: { name: string; threshold: number; earned: number; remaining: number } | null;
}

/** Whether two lists hold the same cards with the same contents, in any order. */
function sameCards(a: MemberCard[], b: MemberCard[]): boolean {
	const text = (list: MemberCard[]) =>
		JSON.stringify([...list].sort((x, y) => x.id.localeCompare(y.id)));
	return a.length === b.length && text(a) === text(b);
}

/** Membership cards with balances and tier: `my_cards()` under RLS, kept on the device. */
export const cards = {
	/** Reads the user's cards from the server and replaces the device's copy with them. */
	async listMine(userId: string): Promise<WalletResult> {
		// Offline, supabase-js would first spend half a minute retrying a token refresh.
		if (!navigator.onLine) return { ok: false, problem: 'network' };
		try {
			const supabase = await getSupabase();
			const { data, error } = await supabase.rpc('my_cards');
			if (error) return { ok: false, problem: error.code ? 'unknown' : 'network' };
			const mine = (data as CardRow[]).map((row) => toCard(row, userId));
			const updatedAt = Date.now();
			const { db } = await import('$lib/offline/db');
			let changed = true;
			await db.transaction('rw', db.cards, db.stamps, async () => {
				// The card polls every few seconds and most answers are what the device has: then only
				// the stamp moves and the cards are not rewritten.
				const kept = await db.cards.where('userId').equals(userId).toArray();
				changed = sameCards(kept, mine) === false;
				if (changed) {
					await db.cards.where('userId').equals(userId).delete();
					await db.cards.bulkPut(mine);
				}
				await db.stamps.put({ kind: 'cards', userId, updatedAt });
			});
			return { ok: true, wallet: { cards: mine, updatedAt }, changed };
		} catch {
			return { ok: false, problem: 'network' };
		}
	},

	/** The device's copy of the user's cards, or null when there is none. */
	async cached(userId: string): Promise<Wallet | null> {
		const found = await peek<MemberCard, Stamp>('cards', 'userId', userId, {
			store: 'stamps',
			key: 'cards'
		});
		if (!found || found.extra?.userId !== userId) return null;
		const mine = found.rows.sort((a, b) => a.joinedAt.localeCompare(b.joinedAt));
		return { cards: mine, updatedAt: found.extra.updatedAt };
	},

	/** The rotating-QR secrets this device holds for the user's cards, by card id. */
	async cachedSecrets(userId: string): Promise<Record<string, string>> {
		const found = await peek<CardSecret, Stamp>('secrets', 'userId', userId, {
			store: 'stamps',
			key: 'cards'
		});
		return Object.fromEntries((found?.rows ?? []).map((row) => [row.memberId, row.secret]));
	},

	/** The server's fingerprint of each of the user's cards' current secret, or null offline or on error. */
	async fingerprints(): Promise<Record<string, string | null> | null> {
		if (!navigator.onLine) return null;
		try {
			const supabase = await getSupabase();
			const { data, error } = await supabase.rpc('my_card_fingerprints');
			return error ? null : (data as Record<string, string | null>);
		} catch {
			return null;
		}
	},

	/**
	 * Issues a new secret for a card and keeps it on the device. Every issue invalidates the
	 * secret on the user's other devices, so call it only when this device has none.
	 */
	async issueSecret(userId: string, memberId: string): Promise<string | null> {
		if (!navigator.onLine) return null;
		try {
			const supabase = await getSupabase();
			const { data, error } = await supabase.functions.invoke<{ secret: string }>('card-secret', {
				body: { member_id: memberId }
			});
			if (error || !data?.secret) return null;
			const { db } = await import('$lib/offline/db');
			await db.secrets.put({ memberId, userId, secret: data.secret });
			return data.secret;
		} catch {
			return null;
		}
	}
};

function toCard(row: CardRow, userId: string): MemberCard {
	const keep = row.tier?.keep;
	return {
		id: row.member_id,
		userId,
		memberNumber: Number(row.member_number),
		displayName: row.display_name,
		joinedAt: row.joined_at,
		birthday: row.birthday,
		referralCode: row.referral_code,
		points: Number(row.points),
		wallet: Number(row.wallet),
		expiringSoon: Number(row.expiring_soon),
		tier: row.tier && {
			name: row.tier.name,
			rank: row.tier.rank,
			benefits: Array.isArray(row.tier.benefits) ? row.tier.benefits.map(String) : [],
			keep:
				keep && keep.threshold > 0
					? {
							threshold: Number(keep.threshold),
							windowDays: keep.window_days,
							earned: Number(keep.earned),
							remaining: Number(keep.remaining)
						}
					: null
		},
		nextTier: row.next_tier && {
			name: row.next_tier.name,
			threshold: Number(row.next_tier.threshold),
			earned: Number(row.next_tier.earned),
			remaining: Number(row.next_tier.remaining)
		},
		club: row.club
	};
}
