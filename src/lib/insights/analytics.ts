/**
 * Club analytics for managers: the figures of a period, its daily series and its top rewards,
 * from SQL functions scoped to the club; periods are whole days in the club's timezone, picked
 * in the Jalali calendar in Persian and the Gregorian one otherwise.
 */
import {
	CalendarDate,
	endOfMonth,
	GregorianCalendar,
	parseDate,
	PersianCalendar,
	startOfMonth,
	startOfYear,
	toCalendar,
	today,
	type Calendar
} from '@internationalized/date';
import type { PostgrestError, SupabaseClient } from '@supabase/supabase-js';

export interface Summary {
	from: string;
	to: string;
	members_total: number;
	members_new: number;
	members_active: number;
	members_repeat: number;
	repeat_rate: number | null;
	visits: number;
	avg_days_between_visits: number | null;
	revenue: number;
	points_issued: number;
	points_redeemed: number;
	points_expired: number;
	redemption_rate: number | null;
	points_outstanding: number;
	wallet_outstanding: number;
}

/** One bucket of the series: a day, or a month of the locale's calendar. */
export interface Bucket {
	/** The bucket's first day (ISO, Gregorian). */
	start: string;
	newMembers: number;
	visits: number;
	revenue: number;
	pointsIssued: number;
	pointsRedeemed: number;
}

export interface TopReward {
	reward_id: string;
	name: string;
	redemptions: number;
	points: number;
}

export interface Period {
	from: string;
	to: string;
}

export type CalendarName = 'persian' | 'gregory';

function calendarOf(name: CalendarName): Calendar {
	return name === 'persian' ? new PersianCalendar() : new GregorianCalendar();
}

const iso = (date: CalendarDate) => toCalendar(date, new GregorianCalendar()).toString();

export const PRESETS = ['last30', 'month', 'previousMonth', 'last90', 'year'] as const;
export type Preset = (typeof PRESETS)[number];

/** A preset period ending today in the club's timezone, with months and years of `calendar`. */
export function presetPeriod(preset: Preset, timezone: string, calendar: CalendarName): Period {
	const now = toCalendar(today(timezone), calendarOf(calendar));
	switch (preset) {
		case 'last30':
			return { from: iso(now.subtract({ days: 29 })), to: iso(now) };
		case 'last90':
			return { from: iso(now.subtract({ days: 89 })), to: iso(now) };
		case 'month':
			return { from: iso(startOfMonth(now)), to: iso(now) };
		case 'previousMonth': {
			const previous = startOfMonth(now).subtract({ months: 1 });
			return { from: iso(previous), to: iso(endOfMonth(previous)) };
		}
		case 'year':
			return { from: iso(startOfYear(now)), to: iso(now) };
	}
}

/** The last `count` months of `calendar`, newest first, as periods (the current one up to today). */
export function recentMonths(
	count: number,
	timezone: string,
	calendar: CalendarName
): (Period & { year: number; month: number })[] {
	const now = toCalendar(today(timezone), calendarOf(calendar));
	return Array.from({ length: count }, (_, i) => {
		const start = startOfMonth(now).subtract({ months: i });
		const end = i === 0 ? now : endOfMonth(start);
		return { from: iso(start), to: iso(end), year: start.year, month: start.month };
	});
}

/** Daily buckets up to 62 days; longer periods by month of the locale's calendar. */
export function buckets(
	rows: [string, number, number, number, number, number][],
	calendar: CalendarName
): { unit: 'day' | 'month'; buckets: Bucket[] } {
	const daily = rows.map(([day, newMembers, visits, revenue, issued, redeemed]) => ({
		start: day,
		newMembers: Number(newMembers),
		visits: Number(visits),
		revenue: Number(revenue),
		pointsIssued: Number(issued),
		pointsRedeemed: Number(redeemed)
	}));
	if (daily.length <= 62) return { unit: 'day', buckets: daily };
	const months = new Map<string, Bucket>();
	for (const day of daily) {
		const local = toCalendar(parseDate(day.start), calendarOf(calendar));
		const key = `${local.year}-${local.month}`;
		const bucket = months.get(key);
		if (!bucket) {
			months.set(key, { ...day });
			continue;
		}
		bucket.newMembers += day.newMembers;
		bucket.visits += day.visits;
		bucket.revenue += day.revenue;
		bucket.pointsIssued += day.pointsIssued;
		bucket.pointsRedeemed += day.pointsRedeemed;
	}
	return { unit: 'month', buckets: [...months.values()] };
}

function unwrap<T>(result: { data: unknown; error: PostgrestError | null }): T {
	if (result.error) throw result.error;
	return result.data as T;
}

export const analytics = {
	async summary(client: SupabaseClient, programId: string, period: Period): Promise<Summary> {
		return unwrap(
			await client.rpc('analytics_summary', {
				p_program_id: programId,
				p_from: period.from,
				p_to: period.to
			})
		);
	},

	async series(
		client: SupabaseClient,
		programId: string,
		period: Period
	): Promise<[string, number, number, number, number, number][]> {
		return unwrap(
			await client.rpc('analytics_series', {
				p_program_id: programId,
				p_from: period.from,
				p_to: period.to
			})
		);
	},

	async topRewards(
		client: SupabaseClient,
		programId: string,
		period: Period
	): Promise<TopReward[]> {
		return unwrap(
			await client.rpc('analytics_top_rewards', {
				p_program_id: programId,
				p_from: period.from,
				p_to: period.to,
				p_limit: 5
			})
		);
	}
};
