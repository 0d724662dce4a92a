import { describe, expect, it } from 'vitest';
import { safeNext, signInFor } from './next';

describe('safeNext', () => {
	it('keeps same-origin paths', () => {
		expect(safeNext('/staff/cafe-vafa/checkout')).toBe('/staff/cafe-vafa/checkout');
		expect(safeNext('/staff?x=1#y')).toBe('/staff?x=1#y');
	});

	it('refuses other sites and empty values', () => {
		for (const bad of [
			null,
			'',
			'https://evil.example',
			'//evil.example',
			'/\\evil.example',
			'card'
		]) {
			expect(safeNext(bad)).toBe('/card');
		}
	});

	it('round-trips through signInFor', () => {
		const url = new URL(signInFor('/staff/a b?x=1'), 'http://localhost');
		expect(url.pathname).toBe('/sign-in');
		expect(safeNext(url.searchParams.get('next'))).toBe('/staff/a b?x=1');
	});
});
