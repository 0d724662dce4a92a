import { describe, expect, it } from 'vitest';
import { buckets, presetPeriod, recentMonths } from './analytics';

describe('periods', () => {
	it('gives whole months of the Jalali calendar in Persian and of the Gregorian one otherwise', () => {
		const jalali = recentMonths(2, 'Asia/Tehran', 'persian');
		const gregorian = recentMonths(2, 'Asia/Tehran', 'gregory');
		expect(jalali[1].to < jalali[0].from).toBe(true);
		expect(gregorian[1].from.endsWith('-01')).toBe(true);
		// A Jalali month starts between the 19th and the 23rd of a Gregorian one.
		expect(Number(jalali[1].from.slice(8))).toBeGreaterThanOrEqual(19);
		expect(Number(jalali[1].from.slice(8))).toBeLessThanOrEqual(23);
	});

	it('ends a preset today and starts it before', () => {
		const last30 = presetPeriod('last30', 'UTC', 'gregory');
		const days = (Date.parse(last30.to) - Date.parse(last30.from)) / 86_400_000;
		expect(days).toBe(29);
	});
});

describe('buckets', () => {
	it('keeps days up to 62 of them and sums months beyond', () => {
		const day = (d: string): [string, number, number, number, number, number] => [d, 1, 2, 3, 4, 5];
		expect(buckets([day('2026-03-01')], 'gregory')).toEqual({
			unit: 'day',
			buckets: [
				{
					start: '2026-03-01',
					newMembers: 1,
					visits: 2,
					revenue: 3,
					pointsIssued: 4,
					pointsRedeemed: 5
				}
			]
		});
		const long = Array.from({ length: 90 }, (_, i) =>
			day(new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10))
		);
		expect(buckets(long, 'gregory').buckets.map((b) => [b.start, b.visits])).toEqual([
			['2026-01-01', 62],
			['2026-02-01', 56],
			['2026-03-01', 62]
		]);
	});
});
