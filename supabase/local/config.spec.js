import { describe, expect, it } from 'vitest';
import { loadConfig, seconds } from './config.js';

describe('config.toml as the local stack reads it', () => {
	it('reads durations the way the Supabase CLI writes them', () => {
		expect(seconds('5s')).toBe(5);
		expect(seconds('1m30s')).toBe(90);
		expect(seconds('2h')).toBe(7200);
		expect(seconds(undefined, 60)).toBe(60);
		expect(() => seconds('soon')).toThrow(/not a duration/);
	});

	it('maps the demo phones to their test OTP without the plus sign', () => {
		const { auth } = loadConfig();
		expect(auth.sms.testOtp).toMatchObject({ 989120000001: '123456', 989120000003: '123456' });
		expect(auth.sms.maxFrequency).toBe(5);
	});

	it('exposes the schemas and row limit PostgREST is configured with', () => {
		const { api } = loadConfig();
		expect(api).toMatchObject({
			port: 54321,
			schemas: ['public', 'graphql_public'],
			maxRows: 1000
		});
	});
});
