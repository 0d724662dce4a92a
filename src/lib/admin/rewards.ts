import { getSupabase } from '$lib/supabase/lazy';
import { attempt, failure, type Result } from './result';

/** A reward as managers edit it. Validity is a pair of instants; the form shows them as days. */
export interface AdminReward {
	id: string;
	name: string;
	description: string;
	imageUrl: string | null;
	pointsCost: number;
	minTierRank: number;
	stock: number | null;
	perMemberLimit: number | null;
	validFrom: string | null;
	validUntil: string | null;
	redemptionValidDays: number;
	active: boolean;
}

export type RewardDraft = Omit<AdminReward, 'id'>;

const COLUMNS =
	'id, name, description, image_url, points_cost, min_tier_rank, stock, per_member_limit, valid_from, valid_until, redemption_valid_days, active';

interface Row {
	id: string;
	name: string;
	description: string;
	image_url: string | null;
	points_cost: number;
	min_tier_rank: number;
	stock: number | null;
	per_member_limit: number | null;
	valid_from: string | null;
	valid_until: string | null;
	redemption_valid_days: number;
	active: boolean;
}

function toReward(row: Row): AdminReward {
	return {
		id: row.id,
		name: row.name,
		description: row.description,
		imageUrl: row.image_url,
		pointsCost: Number(row.points_cost),
		minTierRank: row.min_tier_rank,
		stock: row.stock,
		perMemberLimit: row.per_member_limit,
		validFrom: row.valid_from,
		validUntil: row.valid_until,
		redemptionValidDays: row.redemption_valid_days,
		active: row.active
	};
}

function toRow(draft: RewardDraft) {
	return {
		name: draft.name.trim(),
		description: draft.description.trim(),
		image_url: draft.imageUrl?.trim() || null,
		points_cost: draft.pointsCost,
		min_tier_rank: draft.minTierRank,
		stock: draft.stock,
		per_member_limit: draft.perMemberLimit,
		valid_from: draft.validFrom,
		valid_until: draft.validUntil,
		redemption_valid_days: draft.redemptionValidDays,
		active: draft.active
	};
}

/** The club's rewards for its managers, under RLS (every edit is audited by the database). */
export const adminRewards = {
	/** Every reward, active ones first. */
	list(programId: string): Promise<Result<AdminReward[]>> {
		return attempt(async () => {
			const supabase = await getSupabase();
			const { data, error } = await supabase
				.from('rewards')
				.select(COLUMNS)
				.eq('program_id', programId)
				.order('active', { ascending: false })
				.order('created_at', { ascending: false });
			if (error) return failure(error);
			return { ok: true, value: (data as Row[]).map(toReward) };
		});
	},

	/** Creates a reward, or updates the one with `id`. */
	save(programId: string, draft: RewardDraft, id?: string): Promise<Result<AdminReward>> {
		return attempt(async () => {
			const supabase = await getSupabase();
			const row = toRow(draft);
			const query = id
				? supabase
						.from('rewards')
						.update({ ...row, updated_at: new Date().toISOString() })
						.eq('id', id)
						.eq('program_id', programId)
				: supabase.from('rewards').insert({ ...row, program_id: programId });
			const { data, error } = await query.select(COLUMNS);
			if (error) return failure(error);
			const saved = (data as Row[])[0];
			if (!saved) return { ok: false, code: 'VAFA_FORBIDDEN' };
			return { ok: true, value: toReward(saved) };
		});
	},

	/** Takes a reward out of the catalogue, or puts it back. Redemptions already issued stay valid. */
	setActive(programId: string, id: string, active: boolean): Promise<Result<AdminReward>> {
		return attempt(async () => {
			const supabase = await getSupabase();
			const { data, error } = await supabase
				.from('rewards')
				.update({ active, updated_at: new Date().toISOString() })
				.eq('id', id)
				.eq('program_id', programId)
				.select(COLUMNS);
			if (error) return failure(error);
			const saved = (data as Row[])[0];
			if (!saved) return { ok: false, code: 'VAFA_FORBIDDEN' };
			return { ok: true, value: toReward(saved) };
		});
	}
};
