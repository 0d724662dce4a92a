import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { phoneDigits } from './phone-text';

/** Numbers without a country code are read as Iranian (`0912…`, `912…`). */
const DEFAULT_REGION = 'IR';

/**
 * A typed mobile number in E.164 (`+989120000001`), or null when it is not a valid number.
 * Accepts Persian and Arabic-Indic digits, spaces, dashes, brackets and a `00` prefix.
 */
export function toE164(input: string): string | null {
	const text = phoneDigits(input);
	if (!text) return null;
	const phone = parsePhoneNumberFromString(text, DEFAULT_REGION);
	return phone?.isValid() ? phone.number : null;
}

/** An E.164 number for display, grouped the international way (`+98 912 000 0001`). */
export function formatPhone(e164: string): string {
	return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}
