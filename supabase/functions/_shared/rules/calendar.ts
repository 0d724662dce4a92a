/** Local dates and times in a club's timezone, in the Gregorian or the Jalali (Persian) calendar. */

export type CalendarKind = 'gregorian' | 'jalali';

export interface LocalDate {
	year: number;
	month: number;
	day: number;
}

export interface LocalTime {
	/** `YYYY-MM-DD` in the Gregorian calendar, for comparing with campaign dates. */
	isoDate: string;
	weekday: Weekday;
	/** Minutes since local midnight. */
	minutes: number;
}

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, timeZone: string, options: Intl.DateTimeFormatOptions) {
	const key = `${locale}|${timeZone}|${Object.keys(options).join()}`;
	let found = formatters.get(key);
	if (!found) {
		found = new Intl.DateTimeFormat(locale, { ...options, timeZone });
		formatters.set(key, found);
	}
	return found;
}

function parts(format: Intl.DateTimeFormat, at: Date): Record<string, string> {
	return Object.fromEntries(format.formatToParts(at).map((part) => [part.type, part.value]));
}

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
	try {
		new Intl.DateTimeFormat('en-US', { timeZone });
		return true;
	} catch {
		return false;
	}
}

/** The wall-clock date, weekday and minute of `at` in `timeZone`, DST included. */
export function localTime(at: Date, timeZone: string): LocalTime {
	const p = parts(
		formatter('en-US-u-ca-gregory-nu-latn', timeZone, {
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			weekday: 'short',
			hour: '2-digit',
			minute: '2-digit',
			hourCycle: 'h23'
		}),
		at
	);
	return {
		isoDate: `${p.year}-${p.month}-${p.day}`,
		weekday: p.weekday.toLowerCase() as Weekday,
		minutes: Number(p.hour) * 60 + Number(p.minute)
	};
}

/** The date of `at` in `timeZone`, in the given calendar. */
export function localDate(at: Date, timeZone: string, calendar: CalendarKind): LocalDate {
	const locale =
		calendar === 'jalali' ? 'fa-IR-u-ca-persian-nu-latn' : 'en-US-u-ca-gregory-nu-latn';
	const p = parts(
		formatter(locale, timeZone, { year: 'numeric', month: 'numeric', day: 'numeric' }),
		at
	);
	return { year: Number(p.year), month: Number(p.month), day: Number(p.day) };
}

/** Minutes since midnight of `HH:MM`. */
export function minutesOf(hhmm: string): number {
	const [hours, minutes] = hhmm.split(':').map(Number);
	return hours * 60 + minutes;
}

/** A birthday stored as a Gregorian `YYYY-MM-DD` date, as a date of the given calendar. */
export function birthdayIn(birthday: string, calendar: CalendarKind): LocalDate {
	return localDate(new Date(`${birthday}T12:00:00Z`), 'UTC', calendar);
}

/** The leap day of a calendar falls back to the day before it in years that lack it. */
const LEAP_DAY: Record<CalendarKind, { month: number; day: number }> = {
	gregorian: { month: 2, day: 29 },
	jalali: { month: 12, day: 30 }
};

/** Noon UTC of the local day of `at`: day arithmetic on it is immune to DST's short and long days. */
function civilNoon(at: Date, timeZone: string): Date {
	const { year, month, day } = localDate(at, timeZone, 'gregorian');
	return new Date(Date.UTC(year, month - 1, day, 12));
}

/** Whether the civil day `noon` (see civilNoon) is the anniversary of `birthday` in `calendar`. */
function isAnniversary(noon: Date, calendar: CalendarKind, birthday: LocalDate) {
	const today = localDate(noon, 'UTC', calendar);
	if (today.month === birthday.month && today.day === birthday.day) return true;
	const leap = LEAP_DAY[calendar];
	if (birthday.month !== leap.month || birthday.day !== leap.day) return false;
	// In a year without the leap day, the birthday is kept on the last day of that month.
	const tomorrow = localDate(new Date(noon.getTime() + DAY_MS), 'UTC', calendar);
	return today.month === leap.month && today.day === leap.day - 1 && tomorrow.day === 1;
}

export type BirthdayWindow = 'day' | 'week' | 'month';

/**
 * The birthday that `at` falls in the window of (the day itself, within three days either side, or
 * the same month, in the club's calendar: Jalali months for Persian clubs), as a date of that
 * calendar, or null. Its year tells one year's birthday from the next, so a gift is given once a year.
 */
export function birthdayOccurrence(
	at: Date,
	birthday: string,
	window: BirthdayWindow,
	timeZone: string,
	calendar: CalendarKind
): LocalDate | null {
	const own = birthdayIn(birthday, calendar);
	if (window === 'month') {
		const today = localDate(at, timeZone, calendar);
		return today.month === own.month ? { ...own, year: today.year } : null;
	}
	const noon = civilNoon(at, timeZone).getTime();
	const reach = window === 'week' ? 3 : 0;
	for (let offset = -reach; offset <= reach; offset++) {
		const day = new Date(noon + offset * DAY_MS);
		if (isAnniversary(day, calendar, own)) return localDate(day, 'UTC', calendar);
	}
	return null;
}

/** Whether `at` falls in the birthday window (see birthdayOccurrence). */
export function inBirthdayWindow(
	at: Date,
	birthday: string,
	window: BirthdayWindow,
	timeZone: string,
	calendar: CalendarKind
): boolean {
	return birthdayOccurrence(at, birthday, window, timeZone, calendar) !== null;
}

/** The number of the local civil day of `at` in `timeZone` (days since 1970-01-01). */
export function dayNumber(at: Date, timeZone: string): number {
	return Math.round((civilNoon(at, timeZone).getTime() - 12 * 3_600_000) / DAY_MS);
}
