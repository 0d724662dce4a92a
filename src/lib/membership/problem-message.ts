import { m } from '$lib/paraglide/messages';
import type { MembershipProblem } from './membership';

/** A membership problem as a sentence the member can act on. */
export function membershipProblemMessage(problem: MembershipProblem): string {
	switch (problem) {
		case 'program_not_found':
			return m.join_error_not_found();
		case 'referral_unknown':
			return m.join_error_referral();
		case 'referral_self':
			return m.engagement_referral_self();
		case 'referral_phone_used':
			return m.engagement_referral_phone_used();
		case 'referral_phone_required':
			return m.engagement_referral_phone_required();
		case 'invalid':
			return m.join_error_invalid();
		case 'birthday_set':
			return m.birthday_fixed();
		case 'network':
			return m.offline_needs_connection();
		default:
			return m.save_failed();
	}
}
