import { describe, expect, it } from 'vitest';
import { daysIn, endOf, fromParts, lastDayBefore, monthName, startOf, toParts } from './calendar';

describe('dates in the staff calendar', () => {
	it('reads Nowruz 1406 as 2027-03-21 and back', () => {
		expect(fromParts({ year: 1406, month: 1, day: 1 }, 'fa')).toBe('2027-03-21');
		expect(toParts('2027-03-21', 'fa')).toEqual({ year: 1406, month: 1, day: 1 });
		expect(toParts('2027-03-21', 'en')).toEqual({ year: 2027, month: 3, day: 21 });
	});

	it('refuses a day a month does not have', () => {
		expect(daysIn(1406, 7, 'fa')).toBe(30);
		expect(fromParts({ year: 1406, month: 7, day: 31 }, 'fa')).toBeNull();
		expect(fromParts({ year: 2027, month: 2, day: 29 }, 'en')).toBeNull();
	});

	it('names Jalali months in Persian', () => {
		expect(monthName(1406, 1, 'fa')).toBe('فروردین');
		expect(monthName(2027, 3, 'en')).toBe('March');
	});

	it("starts and ends a day in the club's timezone", () => {
		expect(startOf('2027-03-21', 'Asia/Tehran').toISOString()).toBe('2027-03-20T20:30:00.000Z');
		expect(startOf('2027-03-21', 'Asia/Tehran', '09:15').toISOString()).toBe(
			'2027-03-21T05:45:00.000Z'
		);
		const end = endOf('2027-04-02', 'Asia/Tehran');
		expect(end.toISOString()).toBe('2027-04-02T20:30:00.000Z');
		expect(lastDayBefore(end, 'Asia/Tehran')).toBe('2027-04-02');
	});
});
