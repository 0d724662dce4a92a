import { deepStrictEqual } from 'node:assert/strict';
import {
	CalendarDate,
	GregorianCalendar,
	PersianCalendar,
	toCalendar
} from 'npm:@internationalized/date@3';
import { dueMembers } from './birthdays.ts';

const persian = new PersianCalendar();
const gregorian = new GregorianCalendar();

/** The Gregorian date of a Jalali one, by @internationalized/date (an independent implementation). */
function fromJalali(year: number, month: number, day: number): string {
	return toCalendar(new CalendarDate(persian, year, month, day), gregorian).toString();
}

/** Noon in Tehran of a Gregorian date. */
const tehranNoon = (iso: string) => new Date(`${iso}T08:30:00Z`);

const club = (
	birthday: string,
	window: 'day' | 'week' | 'month' = 'day',
	lastYear: number | null = null
) => ({
	program_id: 'p',
	timezone: 'Asia/Tehran',
	calendar: 'jalali' as const,
	window,
	members: [{ id: 'm', birthday, last_year: lastYear }]
});

// Born on Esfand 30 of 1399, a leap year.
const esfand30 = fromJalali(1399, 12, 30);

Deno.test('Esfand 30 is a birthday of its own in a leap year (1403)', () => {
	deepStrictEqual(dueMembers(club(esfand30), tehranNoon(fromJalali(1403, 12, 30))), [['m', 1403]]);
	deepStrictEqual(dueMembers(club(esfand30), tehranNoon(fromJalali(1403, 12, 29))), []);
});

Deno.test(
	'in a common year (1404) Esfand 30 falls back to Esfand 29, the last day of the year',
	() => {
		deepStrictEqual(dueMembers(club(esfand30), tehranNoon(fromJalali(1404, 12, 29))), [
			['m', 1404]
		]);
		deepStrictEqual(dueMembers(club(esfand30), tehranNoon(fromJalali(1405, 1, 1))), []);
		deepStrictEqual(dueMembers(club(esfand30), tehranNoon(fromJalali(1404, 12, 28))), []);
	}
);

Deno.test('someone born on Esfand 29 is not moved by the fallback', () => {
	const esfand29 = fromJalali(1399, 12, 29);
	deepStrictEqual(dueMembers(club(esfand29), tehranNoon(fromJalali(1403, 12, 29))), [['m', 1403]]);
	deepStrictEqual(dueMembers(club(esfand29), tehranNoon(fromJalali(1403, 12, 30))), []);
});

Deno.test('a birthday already given this birthday year is not due again', () => {
	deepStrictEqual(
		dueMembers(club(esfand30, 'day', 1403), tehranNoon(fromJalali(1403, 12, 30))),
		[]
	);
});

Deno.test('a week window names the birthday year even across Nowruz', () => {
	// Three days after Esfand 29 of 1404 is Farvardin 3 of 1405: still the 1404 birthday.
	deepStrictEqual(dueMembers(club(esfand30, 'week'), tehranNoon(fromJalali(1405, 1, 3))), [
		['m', 1404]
	]);
	deepStrictEqual(dueMembers(club(esfand30, 'week'), tehranNoon(fromJalali(1405, 1, 4))), []);
});

Deno.test('a month window is the Jalali month, not the Gregorian one', () => {
	const mehr10 = fromJalali(1370, 7, 10);
	deepStrictEqual(dueMembers(club(mehr10, 'month'), tehranNoon(fromJalali(1404, 7, 1))), [
		['m', 1404]
	]);
	deepStrictEqual(dueMembers(club(mehr10, 'month'), tehranNoon(fromJalali(1404, 6, 31))), []);
});

Deno.test('Gregorian clubs keep Feb 29 on Feb 28 in common years', () => {
	const gClub = (at: string) =>
		dueMembers(
			{ ...club('2000-02-29'), timezone: 'Asia/Jerusalem', calendar: 'gregorian' },
			new Date(`${at}T10:00:00Z`)
		);
	deepStrictEqual(gClub('2027-02-28'), [['m', 2027]]);
	deepStrictEqual(gClub('2027-03-01'), []);
	deepStrictEqual(gClub('2028-02-28'), []);
	deepStrictEqual(gClub('2028-02-29'), [['m', 2028]]);
});

Deno.test('the day is the club’s local day: 23:00 UTC is already tomorrow in Tehran', () => {
	const day = fromJalali(1403, 12, 30);
	const evening = new Date(`${fromJalali(1403, 12, 29)}T21:00:00Z`);
	deepStrictEqual(dueMembers(club(esfand30), evening), [['m', 1403]]);
	deepStrictEqual(day, '2025-03-20');
});
