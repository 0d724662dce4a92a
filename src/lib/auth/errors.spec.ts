import { AuthApiError, AuthRetryableFetchError } from '@supabase/supabase-js';
import { describe, expect, it } from 'vitest';
import { toAuthResult } from './errors';

describe('toAuthResult', () => {
	it('reads a wrong or expired code as otp_expired', () => {
		const error = new AuthApiError('Token has expired or is invalid', 403, 'otp_expired');
		expect(toAuthResult(error)).toEqual({ ok: false, problem: 'otp_expired' });
	});

	it('reads the SMS rate limit with the wait GoTrue states', () => {
		const error = new AuthApiError(
			'For security purposes, you can only request this after 42 seconds.',
			429,
			'over_sms_send_rate_limit'
		);
		expect(toAuthResult(error)).toEqual({ ok: false, problem: 'rate_limited', retryAfter: 42 });
	});

	it('reads a rejected phone number as validation_failed', () => {
		const error = new AuthApiError('Invalid phone number format', 400, 'validation_failed');
		expect(toAuthResult(error)).toEqual({ ok: false, problem: 'validation_failed' });
	});

	it('reads a failed fetch as a network problem', () => {
		const error = new AuthRetryableFetchError('Failed to fetch', 0);
		expect(toAuthResult(error)).toEqual({ ok: false, problem: 'network' });
	});

	it('reads anything else as unknown', () => {
		expect(toAuthResult(new Error('boom'))).toEqual({ ok: false, problem: 'unknown' });
	});
});
