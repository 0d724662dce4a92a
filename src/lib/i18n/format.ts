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
