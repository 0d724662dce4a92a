import { describe, expect, it } from 'vitest';
import { rtlBrowserLocale } from './browser-locale';

describe('rtlBrowserLocale', () => {
	it('picks Hebrew or Persian from the browser languages, region or not', () => {
		expect(rtlBrowserLocale(['he-IL', 'en-US'])).toBe('he');
		expect(rtlBrowserLocale(['fa'])).toBe('fa');
	});

	it('looks past English to a later Persian or Hebrew entry', () => {
		expect(rtlBrowserLocale(['en-US', 'en', 'fa-IR'])).toBe('fa');
	});

	it('leaves an English-only or unknown browser to the base locale', () => {
		expect(rtlBrowserLocale(['en-US', 'en'])).toBeUndefined();
		expect(rtlBrowserLocale(['ar-EG'])).toBeUndefined();
		expect(rtlBrowserLocale([])).toBeUndefined();
	});
});
