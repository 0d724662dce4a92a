import type { Redemption, Reward } from '$lib/offline/types';
import { peekOne } from '$lib/offline/peek';
import { getSupabase } from '$lib/supabase/lazy';

export type { Redemption, Reward };

export interface Catalogue {
	rewards: Reward[];
	redemptions: Redemption[];
	updatedAt: number;
}

export type CatalogueResult =
	{ ok: true; catalogue: Catalogue } | { ok: false; problem: 'network' | 'unknown' };

/** Why a redemption was refused, by the ledger's stable codes. */
export type RedeemProblem =
	| 'insufficient_points'
	| 'tier_too_low'
	| 'out_of_stock'
	| 'limit_reached'
	| 'unavailable'
	| 'network'
	| 'unknown';

export type RedeemResult =
	{ ok: true; redemption: Redemption } | { ok: false; problem: RedeemProblem };

const PROBLEMS: Record<string, RedeemProblem> = {
	VAFA_INSUFFICIENT_POINTS: 'insufficient_points',
	VAFA_TIER_TOO_LOW: 'tier_too_low',
	VAFA_REWARD_OUT_OF_STOCK: 'out_of_stock',
	VAFA_REWARD_LIMIT_REACHED: 'limit_reached',
	VAFA_REWARD_UNAVAILABLE: 'unavailable'
};

interface RewardRow {
	id: string;
	name: string;
	description: string | null;
	points_cost: number;
	min_tier_rank: number;
	stock: number | null;
	valid_until: string | null;
	tier_ok: boolean;
	affordable: boolean;
	in_stock: boolean;
	limit_left: number | null;
}

interface RedemptionRow {
	id: string;
	reward_id: string;
	code: string;
	status: Redemption['status'];
	points_cost: number;
	issued_at: string;
	expires_at: string;
	reward: { name: string } | null;
}

/** The reward catalogue and the member's one-time codes, under RLS; the last copy kept offline. */
export const rewards = {
	/** The catalogue as this member sees it, with their codes; replaces the device's copy. */
	async catalogue(memberId: string): Promise<CatalogueResult> {
		if (!navigator.onLine) return { ok: false, problem: 'network' };
		try {
			const supabase = await getSupabase();
			const [list, mine] = await Promise.all([
				supabase.rpc('catalogue', { p_member_id: memberId }),
				supabase
					.from('redemptions')
					.select(
						'id, reward_id, code, status, points_cost, issued_at, expires_at, reward:rewards(name)'
					)
					.eq('member_id', memberId)
					.order('issued_at', { ascending: false })
					.limit(20)
					.overrideTypes<RedemptionRow[], { merge: false }>()
			]);
			const error = list.error ?? mine.error;
			if (error) return { ok: false, problem: error.code ? 'unknown' : 'network' };
			const catalogue: Catalogue = {
				rewards: (list.data as RewardRow[]).map(toReward),
				redemptions: mine.data!.map(toRedemption),
				updatedAt: Date.now()
			};
			const { db } = await import('$lib/offline/db');
			await db.catalogue.put({ memberId, ...catalogue });
			return { ok: true, catalogue };
		} catch {
			return { ok: false, problem: 'network' };
		}
	},

	/** The catalogue as last seen on this device, or null. */
	cached(memberId: string): Promise<Catalogue | null> {
		return peekOne<Catalogue>('catalogue', memberId);
	},

	/** Spends the reward's points for a one-time code; a retry with the same key never spends twice. */
	async redeem(reward: Reward, idempotencyKey: string): Promise<RedeemResult> {
		if (!navigator.onLine) return { ok: false, problem: 'network' };
		try {
			const supabase = await getSupabase();
			const { data, error } = await supabase.rpc('redeem_reward', {
				p_reward_id: reward.id,
				p_idempotency_key: idempotencyKey
			});
			if (error)
				return {
					ok: false,
					problem: PROBLEMS[error.message] ?? (error.code ? 'unknown' : 'network')
				};
			const result = data as {
				redemption_id: string;
				code: string;
				expires_at: string;
				points_cost: number;
			};
			return {
				ok: true,
				redemption: {
					id: result.redemption_id,
					rewardId: reward.id,
					rewardName: reward.name,
					code: result.code,
					status: 'issued',
					pointsCost: Number(result.points_cost),
					issuedAt: new Date().toISOString(),
					expiresAt: result.expires_at
				}
			};
		} catch {
			return { ok: false, problem: 'network' };
		}
	}
};

function toReward(row: RewardRow): Reward {
	return {
		id: row.id,
		name: row.name,
		description: row.description,
		pointsCost: Number(row.points_cost),
		minTierRank: row.min_tier_rank,
		stock: row.stock,
		validUntil: row.valid_until,
		tierOk: row.tier_ok,
		affordable: row.affordable,
		inStock: row.in_stock,
		limitLeft: row.limit_left
	};
}

function toRedemption(row: RedemptionRow): Redemption {
	return {
		id: row.id,
		rewardId: row.reward_id,
		rewardName: row.reward?.name ?? '',
		code: row.code,
		status: row.status,
		pointsCost: Number(row.points_cost),
		issuedAt: row.issued_at,
		expiresAt: row.expires_at
	};
}
