import { m } from '$lib/paraglide/messages';
import type { AuthProblem } from './errors';

/** The translated sentence for a sign-in problem, in the current locale. */
export function problemMessage(problem: AuthProblem): string {
	switch (problem) {
		case 'phone_invalid':
			return m.error_phone_invalid();
		case 'code_format':
			return m.error_code_format();
		case 'otp_expired':
			return m.error_otp_expired();
		case 'rate_limited':
			return m.error_rate_limit();
		case 'validation_failed':
			return m.error_validation();
		case 'sms_send_failed':
			return m.error_sms_failed();
		case 'network':
			return m.error_network();
		case 'unknown':
			return m.error_unknown();
	}
}
