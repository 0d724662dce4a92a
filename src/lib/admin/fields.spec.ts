import { describe, expect, it } from 'vitest';
import { imageUrl, parseDecimal, parseWhole, wholeIn } from './fields';

describe('typed numbers on the admin forms', () => {
	it('reads Persian digits and group separators', () => {
		expect(parseWhole('۵۰۰٬۰۰۰')).toBe(500000);
		expect(parseWhole('1,250')).toBe(1250);
		expect(parseWhole('')).toBeNull();
		expect(parseWhole('12a')).toBe('invalid');
		expect(parseWhole('-3')).toBe('invalid');
	});

	it('reads multipliers with at most two decimals', () => {
		expect(parseDecimal('۱٫۲۵')).toBe(1.25);
		expect(parseDecimal('2')).toBe(2);
		expect(parseDecimal('1.255')).toBe('invalid');
	});

	it('says what is wrong with a whole number', () => {
		expect(wholeIn('', 1, 10, true)).toEqual({ value: null, problem: 'required' });
		expect(wholeIn('', 1, 10, false)).toEqual({ value: null });
		expect(wholeIn('11', 1, 10, true)).toEqual({ value: null, problem: 'range' });
		expect(wholeIn('۷', 1, 10, true)).toEqual({ value: 7 });
	});

	it('takes only web addresses for images', () => {
		expect(imageUrl('https://example.com/a.png')).toEqual({ value: 'https://example.com/a.png' });
		expect(imageUrl('javascript:alert(1)').problem).toBe('url');
		expect(imageUrl('not a url').problem).toBe('url');
		expect(imageUrl('  ')).toEqual({ value: null });
	});
});
