/**
 * Dates as a club's staff read and write them: Jalali in fa, Gregorian otherwise, while the data
 * keeps Gregorian `YYYY-MM-DD` days (campaigns) or instants at the start of a day in the club's
 * timezone (reward validity, rule versions).
 */
import {
	CalendarDate,
	GregorianCalendar,
	PersianCalendar,
	fromDate,
	parseDate,
	toCalendar,
	toCalendarDate,
	toZoned,
	type Calendar
} from '@internationalized/date';
import type { Locale } from '$lib/paraglide/runtime';
import { intlLocale } from '$lib/i18n/format';

/** A day in the staff member's calendar. */
export interface DayParts {
	year: number;
	month: number;
	day: number;
}

const GREGORIAN = new GregorianCalendar();
const PERSIAN = new PersianCalendar();

/** The calendar a locale writes dates in: Jalali (Persian) in fa. */
export function calendarOf(locale: Locale): Calendar {
	return locale === 'fa' ? PERSIAN : GREGORIAN;
}

/** A Gregorian `YYYY-MM-DD` day in the locale's calendar. */
export function toParts(iso: string, locale: Locale): DayParts {
	const date = toCalendar(parseDate(iso), calendarOf(locale));
	return { year: date.year, month: date.month, day: date.day };
}

/** A day of the locale's calendar as Gregorian `YYYY-MM-DD`, or null when it does not exist. */
export function fromParts(parts: DayParts, locale: Locale): string | null {
	const calendar = calendarOf(locale);
	const date = new CalendarDate(calendar, parts.year, parts.month, parts.day);
	if (date.day !== parts.day || date.month !== parts.month) return null;
	return toCalendar(date, GREGORIAN).toString();
}

/** How many months a year of the locale's calendar has, and days its month. */
export function monthsIn(year: number, locale: Locale): number {
	const calendar = calendarOf(locale);
	return calendar.getMonthsInYear(new CalendarDate(calendar, year, 1, 1));
}

export function daysIn(year: number, month: number, locale: Locale): number {
	const calendar = calendarOf(locale);
	return calendar.getDaysInMonth(new CalendarDate(calendar, year, month, 1));
}

/** A month's name in the locale (فروردین, Nisan's Gregorian neighbour April, …). */
export function monthName(year: number, month: number, locale: Locale): string {
	const date = toCalendar(new CalendarDate(calendarOf(locale), year, month, 1), GREGORIAN);
	return new Intl.DateTimeFormat(intlLocale(locale), { month: 'long', timeZone: 'UTC' }).format(
		new Date(Date.UTC(date.year, date.month - 1, date.day))
	);
}

/** Today in `timeZone` as Gregorian `YYYY-MM-DD`. */
export function todayIn(timeZone: string, now = new Date()): string {
	return toCalendarDate(fromDate(now, timeZone)).toString();
}

/** The local day of an instant in `timeZone`, as Gregorian `YYYY-MM-DD`. */
export function dayOf(instant: string | Date, timeZone: string): string {
	return toCalendarDate(fromDate(new Date(instant), timeZone)).toString();
}

/** The instant a Gregorian day starts in `timeZone`, optionally at `HH:MM`. */
export function startOf(iso: string, timeZone: string, time = '00:00'): Date {
	const [hour, minute] = time.split(':').map(Number);
	const day = parseDate(iso);
	return toZoned(day, timeZone).set({ hour, minute, second: 0, millisecond: 0 }).toDate();
}

/** The instant the day after `iso` starts in `timeZone`: the end of a window that includes `iso`. */
export function endOf(iso: string, timeZone: string): Date {
	return toZoned(parseDate(iso).add({ days: 1 }), timeZone).toDate();
}

/** The last day a window ending at `instant` (exclusive) includes, in `timeZone`. */
export function lastDayBefore(instant: string | Date, timeZone: string): string {
	return toCalendarDate(fromDate(new Date(new Date(instant).getTime() - 1), timeZone)).toString();
}
