import { getSupabase } from '$lib/supabase/lazy';
import { attempt, failure, type Result } from './result';

/** The club's own settings that the admin screens change (owners only, by RLS). */
export const adminClub = {
	/** Sets how many days earned points last (null: they never expire), keeping other settings. */
	setPointsExpiry(
		programId: string,
		settings: Record<string, unknown>,
		days: number | null
	): Promise<Result<Record<string, unknown>>> {
		return attempt(async () => {
			const supabase = await getSupabase();
			const next = { ...settings };
			if (days === null) delete next.points_expiry_days;
			else next.points_expiry_days = days;
			const { data, error } = await supabase
				.from('programs')
				.update({ settings: next })
				.eq('id', programId)
				.select('settings');
			if (error) return failure(error);
			const row = (data as { settings: Record<string, unknown> }[])[0];
			if (!row) return { ok: false, code: 'VAFA_FORBIDDEN' };
			return { ok: true, value: row.settings };
		});
	}
};
