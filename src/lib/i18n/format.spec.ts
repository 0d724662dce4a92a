import { describe, expect, it } from 'vitest';
import {
	formatDate,
	formatDateTime,
	formatDigits,
	formatNumber,
	isRtl,
	localizeDigits,
	toAsciiDigits
} from './format';

// 21 March 2025 12:00 UTC is Nowruz, 1 Farvardin 1404 in the Jalali calendar.
const NOWRUZ_1404 = new Date(Date.UTC(2025, 2, 21, 12));

describe('formatNumber', () => {
	it('writes Persian digits and grouping in fa', () => {
		expect(formatNumber(1234567, 'fa')).toBe('۱٬۲۳۴٬۵۶۷');
	});

	it('writes Latin digits in he and en', () => {
		expect(formatNumber(1234567, 'he')).toBe('1,234,567');
		expect(formatNumber(1234567, 'en')).toBe('1,234,567');
	});
});

describe('formatDigits', () => {
	it('writes a member number without grouping, in Persian digits in fa', () => {
		expect(formatDigits(1001, 'fa')).toBe('۱۰۰۱');
		expect(formatDigits(1001, 'en')).toBe('1001');
	});
});

describe('formatDate', () => {
	it('uses the Jalali calendar in fa', () => {
		const text = formatDate(NOWRUZ_1404, 'fa');
		expect(text).toContain('۱۴۰۴');
		expect(text).toContain('فروردین');
	});

	it('uses the Gregorian calendar in en', () => {
		expect(formatDate(NOWRUZ_1404, 'en')).toBe('March 21, 2025');
	});

	it('formats a time of day alongside the date', () => {
		expect(formatDateTime(NOWRUZ_1404, 'en')).toMatch(/Mar 21, 2025.*\d{1,2}:\d{2}/);
	});
});

describe('digits', () => {
	it('reads Persian and Arabic-Indic digits as ASCII', () => {
		expect(toAsciiDigits('۰۹۱۲ ٠٠٠ 0001')).toBe('0912 000 0001');
	});

	it('writes ASCII digits as Persian only in fa', () => {
		expect(localizeDigits('+98 912', 'fa')).toBe('+۹۸ ۹۱۲');
		expect(localizeDigits('+98 912', 'he')).toBe('+98 912');
	});
});

describe('isRtl', () => {
	it('marks fa and he right to left and en left to right', () => {
		expect([isRtl('fa'), isRtl('he'), isRtl('en')]).toEqual([true, true, false]);
	});
});
