/** What went wrong at sign-in, as the app tells it; each has a translated message. */
export type AuthProblem =
	| 'phone_invalid'
	| 'code_format'
	| 'otp_expired'
	| 'rate_limited'
	| 'validation_failed'
	| 'sms_send_failed'
	| 'network'
	| 'unknown';

export type AuthResult = { ok: true } | { ok: false; problem: AuthProblem; retryAfter?: number };

/** Maps a supabase-js auth error to a problem by its stable code, never by its English text. */
export function toAuthResult(error: unknown): AuthResult {
	// By name, as supabase-js's own guard does, so this module does not pull supabase-js in.
	if (error instanceof Error && error.name === 'AuthRetryableFetchError')
		return { ok: false, problem: 'network' };
	const code = typeof error === 'object' && error && 'code' in error ? error.code : undefined;
	switch (code) {
		case 'otp_expired':
		case 'invalid_credentials':
			return { ok: false, problem: 'otp_expired' };
		case 'over_sms_send_rate_limit':
		case 'over_request_rate_limit':
			return { ok: false, problem: 'rate_limited', retryAfter: retryAfterSeconds(error) };
		case 'validation_failed':
			return { ok: false, problem: 'validation_failed' };
		case 'sms_send_failed':
			return { ok: false, problem: 'sms_send_failed' };
		default:
			return { ok: false, problem: 'unknown' };
	}
}

/** GoTrue states the wait only in its message ("…after 42 seconds"); absent, none is assumed. */
function retryAfterSeconds(error: unknown): number | undefined {
	const message = error instanceof Error ? error.message : '';
	const seconds = /(\d+)\s*seconds?/.exec(message)?.[1];
	return seconds ? Number(seconds) : undefined;
}
