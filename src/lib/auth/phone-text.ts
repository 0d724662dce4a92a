import { toAsciiDigits } from '$lib/i18n/format';

/** Numbers without a country code are read as Iranian (`0912…`, `912…`). */
export const DEFAULT_DIALLING_CODE = '98';

/**
 * A typed number reduced to ASCII digits with an optional leading `+`: Persian and Arabic-Indic
 * digits, spaces, dashes, brackets, dots and direction marks removed, `00` read as `+`. Null when
 * what is left cannot be a phone number (6 to 16 digits). No metadata: this module is small.
 */
export function phoneDigits(input: string): string | null {
	const text = toAsciiDigits(input)
		.replace(/[\s\u200c\u200e\u200f()\-.]/g, '')
		.replace(/^00/, '+');
	return /^\+?\d{6,16}$/.test(text) ? text : null;
}

/**
 * The number in E.164 without checking it against any country's plan: what sign-in sends when
 * libphonenumber-js could not be downloaded, leaving the check to the auth server. A number
 * without `+` is read as Iranian, as `toE164` does.
 */
export function roughE164(input: string): string | null {
	const digits = phoneDigits(input);
	if (!digits) return null;
	if (digits.startsWith('+')) return digits;
	return `+${DEFAULT_DIALLING_CODE}${digits.replace(/^0/, '')}`;
}
