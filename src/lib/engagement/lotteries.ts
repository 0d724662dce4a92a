import type { LotteryProof } from '$shared/lottery';
import { getSupabase } from '$lib/supabase/lazy';
import { newKey, rpc } from './rpc';

export interface MemberLottery {
	id: string;
	title: string;
	description: string;
	status: 'open' | 'drawn';
	open: boolean;
	opens_at: string;
	closes_at: string;
	drawn_at: string | null;
	spend_per_entry: number | null;
	points_per_entry: number | null;
	max_points_entries: number | null;
	winners: number;
	prize: { id: string; name: string } | null;
	seed_hash: string;
	seed: string | null;
	entries_hash: string | null;
	tickets: number | null;
	holder: string;
	my_points_entries: number;
	my_purchase_entries: number;
	my_win: {
		rank: number;
		prize_status: string;
		code: string | null;
		expires_at: string | null;
	} | null;
}

export interface MyLotteries {
	member_id: string;
	currency: string;
	points: number;
	lotteries: MemberLottery[];
}

export interface Entrant {
	member_id: string;
	member_number: number;
	name: string | null;
	points_entries: number;
	purchase_entries: number;
	holder: string;
}

export interface StandingsWinner {
	rank: number;
	member_id: string;
	member_number: number;
	name: string | null;
	holder: string;
	prize_status: string;
}

/** One draw as staff see it: its settings, who entered with how many entries, and its winners. */
export interface Standings {
	id: string;
	program_id: string;
	title: string;
	description: string;
	status: 'open' | 'drawn';
	opens_at: string;
	closes_at: string;
	drawn_at: string | null;
	spend_per_entry: number | null;
	points_per_entry: number | null;
	max_points_entries: number | null;
	winners: number;
	repeat_days: number | null;
	prize: { id: string; name: string } | null;
	seed_hash: string;
	seed: string | null;
	entries_hash: string | null;
	tickets: number | null;
	entrants: Entrant[];
	drawn_winners: StandingsWinner[];
}

export interface NewLottery {
	title: string;
	description: string;
	closesAt: string;
	spendPerEntry: number | null;
	pointsPerEntry: number | null;
	maxPointsEntries: number | null;
	winners: number;
	prizeRewardId: string | null;
	repeatDays: number | null;
}

export interface LotteryRow {
	id: string;
	title: string;
	status: 'open' | 'drawn';
	closes_at: string;
	drawn_at: string | null;
	winners: number;
	seed_hash: string;
}

/** Draws: the member's view and entries, the public proof, and the staff's create and draw. */
export const lotteries = {
	mine: (memberId: string) => rpc<MyLotteries>('my_lotteries', { p_member_id: memberId }),

	enter: (lotteryId: string, entries: number, key = newKey()) =>
		rpc<{ entries: number; points_spent: number }>('enter_lottery', {
			p_lottery_id: lotteryId,
			p_entries: entries,
			p_idempotency_key: key
		}),

	proof: (lotteryId: string) => rpc<LotteryProof>('lottery_proof', { p_lottery_id: lotteryId }),

	standings: (lotteryId: string) =>
		rpc<Standings>('lottery_standings', { p_lottery_id: lotteryId }),

	create: (programId: string, draft: NewLottery) =>
		rpc<{ id: string; seed_hash: string }>('create_lottery', {
			p_program_id: programId,
			p_title: draft.title,
			p_description: draft.description,
			p_closes_at: new Date(draft.closesAt).toISOString(),
			p_spend_per_entry: draft.spendPerEntry,
			p_points_per_entry: draft.pointsPerEntry,
			p_max_points_entries: draft.maxPointsEntries,
			p_winners: draft.winners,
			p_prize_reward_id: draft.prizeRewardId,
			p_repeat_days: draft.repeatDays
		}),

	draw: (lotteryId: string) => rpc<{ seed: string }>('draw_lottery', { p_lottery_id: lotteryId }),

	/** The club's draws, newest first, under RLS. */
	async list(programId: string): Promise<LotteryRow[] | null> {
		if (!navigator.onLine) return null;
		const supabase = await getSupabase();
		const { data, error } = await supabase
			.from('lotteries')
			.select('id, title, status, closes_at, drawn_at, winners, seed_hash')
			.eq('program_id', programId)
			.order('closes_at', { ascending: false })
			.limit(50);
		return error ? null : (data as LotteryRow[]);
	},

	/** The club's active rewards, to choose a prize from. */
	async prizes(programId: string): Promise<{ id: string; name: string }[]> {
		if (!navigator.onLine) return [];
		const supabase = await getSupabase();
		const { data } = await supabase
			.from('rewards')
			.select('id, name')
			.eq('program_id', programId)
			.eq('active', true)
			.order('name');
		return (data ?? []) as { id: string; name: string }[];
	}
};
