import { describe, expect, it } from 'vitest';
import { entryUnit, padPress, parseAmount, parseCodes, parseCount } from './amount';

describe('amounts the cashier types', () => {
	it('reads Toman for an IRR club, in Latin, Persian and Arabic digits with grouping', () => {
		expect(parseAmount('200000', 'IRR')).toBe(2_000_000);
		expect(parseAmount('۲۰۰٬۰۰۰', 'IRR')).toBe(2_000_000);
		expect(parseAmount('٢٠٠,٠٠٠', 'IRR')).toBe(2_000_000);
		expect(parseAmount('12.5', 'IRR')).toBeNull();
	});

	it('reads the major unit and its decimals for other currencies', () => {
		expect(entryUnit('ILS')).toEqual({ minorPerUnit: 100, decimals: 2 });
		expect(parseAmount('12.5', 'ILS')).toBe(1250);
		expect(parseAmount('۱۲٫۰۵', 'USD')).toBe(1205);
		expect(parseAmount('1.234', 'USD')).toBeNull();
		expect(parseAmount('500', 'JPY')).toBe(500);
	});

	it('refuses nothing, zero, words and amounts beyond what the ledger holds', () => {
		for (const text of ['', '0', '0.00', 'abc', '-5', '1e5', '9'.repeat(20)])
			expect(parseAmount(text, 'ILS')).toBeNull();
	});

	it('reads whole points in any digits', () => {
		expect(parseCount('۱۲۰')).toBe(120);
		expect(parseCount('1.5')).toBeNull();
		expect(parseCount('0')).toBeNull();
	});

	it('builds the amount from the pad’s keys', () => {
		let text = '';
		for (const key of ['0', '2', '000', '5', 'back', '0']) text = padPress(text, key);
		expect(text).toBe('20000');
		expect(padPress('۱۲', '3')).toBe('123');
		expect(padPress('123', 'clear')).toBe('');
	});

	it('reads redemption codes split by spaces or commas, once each', () => {
		expect(parseCodes('abcd2345, ABCD2345 wxyz6789')).toEqual(['ABCD2345', 'WXYZ6789']);
		expect(parseCodes('')).toEqual([]);
		expect(parseCodes('ABCD234I')).toBeNull();
	});
});
