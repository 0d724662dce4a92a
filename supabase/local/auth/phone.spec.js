import { describe, expect, it } from 'vitest';
import { normalisePhone, stripPhone } from './phone.js';

describe('normalisePhone', () => {
	it.each([
		['+۹۸ ۹۱۲ ۰۰۰ ۰۰۰۱', '989120000001'],
		['+٩٧٢ ٥٠-١٢٣-٤٥٦٧', '972501234567'],
		['(+972) 50-123-4567', '972501234567'],
		['\u200e+98 912 000 0001\u200f', '989120000001'],
		['989120000001', '989120000001']
	])('turns %s into the E.164 digits %s', (input, digits) => {
		expect(normalisePhone(input)).toBe(digits);
	});

	it.each([
		['0912 123 4567', /country code/],
		['+98 912', /not a possible number/],
		['+1 (abc)', /digits only/],
		['', /empty/]
	])('rejects %s with validation_failed and a reason', (input, reason) => {
		expect(() => normalisePhone(input)).toThrow(
			expect.objectContaining({
				status: 400,
				code: 'validation_failed',
				message: expect.stringMatching(reason)
			})
		);
	});
});

describe('stripPhone', () => {
	it("keeps the password grant's lenient lookup: digits only, no validation", () => {
		expect(stripPhone('+۹۸ 912-000')).toBe('98912000');
	});
});
