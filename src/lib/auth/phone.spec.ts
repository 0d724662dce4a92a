import { describe, expect, it } from 'vitest';
import { formatPhone, toE164 } from './phone';
import { roughE164 } from './phone-text';

describe('toE164', () => {
	it('reads a local Iranian number typed in Persian digits', () => {
		expect(toE164('۰۹۱۲۰۰۰۰۰۰۱')).toBe('+989120000001');
	});

	it('reads Arabic-Indic digits, spaces and dashes', () => {
		expect(toE164('٠٩١٢-٠٠٠ ٠٠٠١')).toBe('+989120000001');
	});

	it('reads numbers with the country code, with + or 00', () => {
		expect(toE164('+98 912 000 0001')).toBe('+989120000001');
		expect(toE164('00989120000001')).toBe('+989120000001');
		expect(toE164('9120000001')).toBe('+989120000001');
	});

	it('keeps a foreign number in its own country', () => {
		expect(toE164('+972 50-123-4567')).toBe('+972501234567');
	});

	it('rejects numbers that are too short, too long or not numbers', () => {
		expect(toE164('0912')).toBeNull();
		expect(toE164('091200000012345')).toBeNull();
		expect(toE164('phone')).toBeNull();
		expect(toE164('')).toBeNull();
	});
});

describe('formatPhone', () => {
	it('groups an E.164 number for reading', () => {
		expect(formatPhone('+989120000001')).toBe('+98 912 000 0001');
	});
});

describe('roughE164 (when the checker could not be downloaded)', () => {
	it('reads the same shapes as toE164 without checking the numbering plan', () => {
		expect(roughE164('۰۹۱۲۰۰۰۰۰۰۱')).toBe('+989120000001');
		expect(roughE164('٠٩١٢-٠٠٠ ٠٠٠١')).toBe('+989120000001');
		expect(roughE164('00972501234567')).toBe('+972501234567');
		expect(roughE164('9120000001')).toBe('+989120000001');
	});

	it('agrees with toE164 on every valid number it is given', () => {
		for (const typed of ['09120000001', '+98 912 000 0001', '+972 50-123-4567', '۹۱۲۰۰۰۰۰۰۱'])
			expect(roughE164(typed)).toBe(toE164(typed));
	});

	it('still refuses what cannot be a phone number', () => {
		expect(roughE164('0912')).toBeNull();
		expect(roughE164('phone')).toBeNull();
		expect(roughE164('')).toBeNull();
	});
});
