import { describe, expect, it } from 'vitest';
import { countdown, formatCountdown, formatMoney } from './format';

describe('formatMoney', () => {
	it('shows rials in Toman with Persian digits in fa', () => {
		expect(formatMoney(1_250_000, 'IRR', 'fa')).toBe('۱۲۵٬۰۰۰ تومان');
	});

	it('keeps Toman in every locale so one club reads the same everywhere', () => {
		expect(formatMoney(1_250_000, 'IRR', 'en')).toBe('125,000 Toman');
		expect(formatMoney(1_250_000, 'IRR', 'he')).toBe('125,000 טומאן');
	});

	it('reads minor units by the currency: agorot for ILS, cents for USD', () => {
		expect(formatMoney(1234, 'ILS', 'he')).toMatch(/12\.34.*₪|₪.*12\.34/);
		expect(formatMoney(1234, 'USD', 'en')).toBe('$12.34');
	});

	it('treats currencies without a minor unit as whole', () => {
		expect(formatMoney(500, 'JPY', 'en')).toBe('¥500');
	});
});

describe('countdown', () => {
	const now = Date.UTC(2026, 0, 1, 12, 0, 0);

	it('splits the time left into days, hours, minutes and seconds', () => {
		const left = countdown(now + ((2 * 24 + 3) * 3600 + 4 * 60 + 5) * 1000, now);
		expect(left).toEqual({ expired: false, days: 2, hours: 3, minutes: 4, seconds: 5 });
		expect(formatCountdown(left, 'en', 'd')).toBe('2 d 03:04:05');
		expect(formatCountdown(left, 'fa', 'روز')).toBe('۲ روز ۰۳:۰۴:۰۵');
	});

	it('stops at zero and says the code has expired', () => {
		expect(countdown(now - 1000, now)).toEqual({
			expired: true,
			days: 0,
			hours: 0,
			minutes: 0,
			seconds: 0
		});
	});
});
