import type { Locale } from '$lib/paraglide/runtime';

/** Intl locale per app locale: Persian digits and the Jalali calendar in fa. */
const INTL_LOCALES: Record<Locale, string> = {
	fa: 'fa-IR-u-ca-persian',
	he: 'he-IL',
	en: 'en-US'
};

const PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹';
const ARABIC_DIGITS = '٠١٢٣٤٥٦٧٨٩';

/** The BCP 47 tag to hand to Intl for an app locale. */
export function intlLocale(locale: Locale): string {
	return INTL_LOCALES[locale];
}

/** Whether a locale is written right to left. */
export function isRtl(locale: Locale): boolean {
	return locale !== 'en';
}

/** A number in the locale's digits and grouping. */
export function formatNumber(
	value: number | bigint,
	locale: Locale,
	options?: Intl.NumberFormatOptions
): string {
	return new Intl.NumberFormat(intlLocale(locale), options).format(value);
}

/** An identifier read aloud digit by digit (member number, code): locale digits, no grouping. */
export function formatDigits(value: number | bigint, locale: Locale): string {
	return formatNumber(value, locale, { useGrouping: false });
}

/** A calendar date (Jalali in fa). */
export function formatDate(
	value: Date | string | number,
	locale: Locale,
	options: Intl.DateTimeFormatOptions = { dateStyle: 'long' }
): string {
	return new Intl.DateTimeFormat(intlLocale(locale), options).format(new Date(value));
}

/** A date with time of day, for "last updated" stamps. */
export function formatDateTime(value: Date | string | number, locale: Locale): string {
	return formatDate(value, locale, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Replaces Persian and Arabic-Indic digits with ASCII ones; everything else is kept. */
export function toAsciiDigits(text: string): string {
	return text.replace(/[۰-۹٠-٩]/g, (digit) => {
		const persian = PERSIAN_DIGITS.indexOf(digit);
		return String(persian >= 0 ? persian : ARABIC_DIGITS.indexOf(digit));
	});
}

/** Writes ASCII digits in the locale's own digits (for text Intl does not format, like phones). */
export function localizeDigits(text: string, locale: Locale): string {
	if (locale !== 'fa') return text;
	return text.replace(/[0-9]/g, (digit) => PERSIAN_DIGITS.charAt(Number(digit)));
}

/** What the Toman is called in each locale: IRR amounts are shown in Toman (10 rials) everywhere. */
const TOMAN: Record<Locale, string> = { fa: 'تومان', he: 'טומאן', en: 'Toman' };

/**
 * An amount of money kept in the club currency's minor units. IRR, which has no minor unit, is
 * shown in Toman as people in Iran speak of prices; every other currency goes through Intl.
 */
export function formatMoney(minor: number, currency: string, locale: Locale): string {
	if (currency === 'IRR') return `${formatNumber(Math.round(minor / 10), locale)} ${TOMAN[locale]}`;
	const format = new Intl.NumberFormat(intlLocale(locale), { style: 'currency', currency });
	const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
	return format.format(minor / 10 ** digits);
}

/** Time left until `until`, in whole units, for a code's countdown. */
export interface Countdown {
	expired: boolean;
	days: number;
	hours: number;
	minutes: number;
	seconds: number;
}

export function countdown(until: Date | string | number, nowMs: number): Countdown {
	const left = Math.max(0, Math.floor((new Date(until).getTime() - nowMs) / 1000));
	return {
		expired: left === 0,
		days: Math.floor(left / 86_400),
		hours: Math.floor((left % 86_400) / 3600),
		minutes: Math.floor((left % 3600) / 60),
		seconds: left % 60
	};
}

/** A countdown as "2 d 03:04:05" / "03:04:05" in the locale's digits (Intl has no duration format yet everywhere). */
export function formatCountdown(left: Countdown, locale: Locale, dayLabel: string): string {
	const two = (n: number) =>
		formatNumber(n, locale, { minimumIntegerDigits: 2, useGrouping: false });
	const clock = `${two(left.hours)}:${two(left.minutes)}:${two(left.seconds)}`;
	return left.days > 0 ? `${formatNumber(left.days, locale)} ${dayLabel} ${clock}` : clock;
}
