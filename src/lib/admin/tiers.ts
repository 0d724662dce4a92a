import { getSupabase } from '$lib/supabase/lazy';
import { attempt, failure, type Result } from './result';

/** A tier as the club's tiers table holds it. */
export interface AdminTier {
	id: string;
	rank: number;
	name: string;
	threshold: number;
	windowDays: number;
	multiplier: number;
	benefits: string[];
	downgradeGraceDays: number;
}

export type TierDraft = Omit<AdminTier, 'id'>;

const COLUMNS =
	'id, rank, name, threshold, window_days, multiplier, benefits, downgrade_grace_days';

interface Row {
	id: string;
	rank: number;
	name: string;
	threshold: number;
	window_days: number;
	multiplier: number | string;
	benefits: unknown;
	downgrade_grace_days: number;
}

/** Clubs have two or three levels. */
export const MAX_TIERS = 3;

function toTier(row: Row): AdminTier {
	return {
		id: row.id,
		rank: row.rank,
		name: row.name,
		threshold: Number(row.threshold),
		windowDays: row.window_days,
		multiplier: Number(row.multiplier),
		benefits: Array.isArray(row.benefits) ? row.benefits.map(String) : [],
		downgradeGraceDays: row.downgrade_grace_days
	};
}

function toRow(draft: TierDraft) {
	return {
		rank: draft.rank,
		name: draft.name.trim(),
		threshold: draft.threshold,
		window_days: draft.windowDays,
		multiplier: draft.multiplier,
		benefits: draft.benefits.map((b) => b.trim()).filter(Boolean),
		downgrade_grace_days: draft.downgradeGraceDays
	};
}

/** The club's tiers, under RLS: members and staff read them, managers and owners edit them. */
export const adminTiers = {
	list(programId: string): Promise<Result<AdminTier[]>> {
		return attempt(async () => {
			const supabase = await getSupabase();
			const { data, error } = await supabase
				.from('tiers')
				.select(COLUMNS)
				.eq('program_id', programId)
				.order('rank');
			if (error) return failure(error);
			return { ok: true, value: (data as Row[]).map(toTier) };
		});
	},

	/** Saves a tier: updates the one with `id`, or adds the next level. */
	save(programId: string, draft: TierDraft, id?: string): Promise<Result<AdminTier>> {
		return attempt(async () => {
			const supabase = await getSupabase();
			const row = toRow(draft);
			const query = id
				? supabase.from('tiers').update(row).eq('id', id).eq('program_id', programId)
				: supabase.from('tiers').insert({ ...row, program_id: programId });
			const { data, error } = await query.select(COLUMNS);
			if (error) return failure(error);
			const saved = (data as Row[])[0];
			if (!saved) return { ok: false, code: 'VAFA_FORBIDDEN' };
			return { ok: true, value: toTier(saved) };
		});
	}
};
