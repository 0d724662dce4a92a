/** Phone numbers as people type them (Persian, Arabic or Latin digits) -> E.164. No Deno globals. */
import { parsePhoneNumberFromString, type CountryCode } from 'npm:libphonenumber-js@1';

const PERSIAN = '۰۱۲۳۴۵۶۷۸۹';
const ARABIC = '٠١٢٣٤٥٦٧٨٩';

/** Replaces Persian and Arabic-Indic digits with ASCII ones. */
export function toAsciiDigits(input: string): string {
	return input.replace(/[۰-۹٠-٩]/g, (d) => String(Math.max(PERSIAN.indexOf(d), ARABIC.indexOf(d))));
}

export type PhoneResult =
	| { ok: true; e164: string; country: string | undefined }
	| { ok: false; code: 'VAFA_PHONE_INVALID'; message: string };

/**
 * Normalises `input` to E.164. A number without a country code is read in `defaultCountry`
 * (the club's country), so 0912 000 0001 in Iran is +989120000001.
 */
export function normalizePhone(input: string, defaultCountry?: CountryCode): PhoneResult {
	const ascii = toAsciiDigits(String(input ?? ''))
		.replace(/[\s\-().\u200c\u200e\u200f]/g, '')
		.replace(/^00/, '+');
	if (!/^\+?\d{4,17}$/.test(ascii)) {
		return {
			ok: false,
			code: 'VAFA_PHONE_INVALID',
			message: 'A phone number has only digits, and may start with +.'
		};
	}
	const parsed = parsePhoneNumberFromString(ascii, defaultCountry);
	if (!parsed || !parsed.isPossible()) {
		return {
			ok: false,
			code: 'VAFA_PHONE_INVALID',
			message:
				ascii.startsWith('+') || defaultCountry
					? 'This is not a valid phone number.'
					: 'Add the country code, e.g. +98 for Iran or +972 for Israel.'
		};
	}
	return { ok: true, e164: parsed.number, country: parsed.country };
}
