import { deepStrictEqual, strictEqual } from 'node:assert/strict';
import { normalizePhone, toAsciiDigits } from './phone.ts';

Deno.test('Persian and Arabic-Indic digits become ASCII digits', () => {
	strictEqual(toAsciiDigits('۰۹۱۲ ٣٤٥'), '0912 345');
});

Deno.test('an Iranian mobile typed in Persian digits with spaces normalises to E.164', () => {
	deepStrictEqual(normalizePhone('+۹۸ ۹۱۲ ۰۰۰ ۰۰۰۱'), {
		ok: true,
		e164: '+989120000001',
		country: 'IR'
	});
});

Deno.test('a local Iranian number is read in the club country', () => {
	const result = normalizePhone('۰۹۱۲-۰۰۰-۰۰۰۱', 'IR');
	strictEqual(result.ok && result.e164, '+989120000001');
});

Deno.test('an Israeli mobile with 00 and dashes normalises to E.164', () => {
	const result = normalizePhone('00972-50-234-5678');
	strictEqual(result.ok && result.e164, '+972502345678');
});

Deno.test('letters, too few digits and impossible numbers are refused with a stable code', () => {
	for (const input of [
		'',
		'call me',
		'+98 12',
		'+98 912 000 00011 23',
		'+999 123456',
		'+98 912 000 000'
	]) {
		const result = normalizePhone(input);
		strictEqual(result.ok, false, input);
		strictEqual(!result.ok && result.code, 'VAFA_PHONE_INVALID', input);
	}
});

Deno.test('a number without country code and without a club country asks for the code', () => {
	const result = normalizePhone('09120000001');
	strictEqual(!result.ok && /country code/.test(result.message), true);
});
