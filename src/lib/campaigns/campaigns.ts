/** Win-back campaigns of a club for managers: list, plan, size a segment, launch, report. */
import { getSupabase } from '$lib/supabase/lazy';

export interface Campaign {
	id: string;
	name: string;
	template: string;
	min_days_inactive: number;
	max_days_inactive: number | null;
	control_percent: number;
	offer_points: number;
	measure_days: number;
	status: 'draft' | 'scheduled' | 'sent';
	scheduled_for: string | null;
	launched_at: string | null;
	seed: string;
}

export interface GroupFigures {
	members: number;
	visits: number;
	revenue: number;
	points_liability: number;
}

export interface CampaignReport {
	status: string;
	from: string;
	until: string;
	targeted: GroupFigures;
	control: GroupFigures;
	extra_visits: number | null;
	extra_revenue: number | null;
	offer_points: number;
	club_points_liability: number;
}

export type CampaignDraft = Pick<
	Campaign,
	| 'name'
	| 'template'
	| 'min_days_inactive'
	| 'max_days_inactive'
	| 'control_percent'
	| 'offer_points'
	| 'measure_days'
> & { status?: 'draft' | 'scheduled'; scheduled_for?: string | null };

export const campaigns = {
	async list(programId: string): Promise<Campaign[]> {
		const supabase = await getSupabase();
		const { data, error } = await supabase
			.from('campaigns')
			.select(
				'id, name, template, min_days_inactive, max_days_inactive, control_percent, offer_points, measure_days, status, scheduled_for, launched_at, seed'
			)
			.eq('program_id', programId)
			.order('created_at', { ascending: false });
		if (error) throw error;
		return data as Campaign[];
	},

	async create(programId: string, draft: CampaignDraft): Promise<string> {
		const supabase = await getSupabase();
		const { data, error } = await supabase
			.from('campaigns')
			.insert({ program_id: programId, ...draft })
			.select('id')
			.single();
		if (error) throw error;
		return data.id;
	},

	async segmentSize(programId: string, minDays: number, maxDays: number | null): Promise<number> {
		const supabase = await getSupabase();
		const { data, error } = await supabase.rpc('segment_size', {
			p_program_id: programId,
			p_min_days: minDays,
			p_max_days: maxDays
		});
		if (error) throw error;
		return data as number;
	},

	async launch(id: string): Promise<{ targeted: number; held_back: number }> {
		const supabase = await getSupabase();
		const { data, error } = await supabase.rpc('launch_campaign', { p_campaign_id: id });
		if (error) throw error;
		return data;
	},

	async report(id: string): Promise<CampaignReport> {
		const supabase = await getSupabase();
		const { data, error } = await supabase.rpc('campaign_report', { p_campaign_id: id });
		if (error) throw error;
		return data as CampaignReport;
	},

	async remove(id: string): Promise<void> {
		const supabase = await getSupabase();
		const { error } = await supabase.from('campaigns').delete().eq('id', id);
		if (error) throw error;
	}
};
