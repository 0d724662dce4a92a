import type { FieldProblem } from './fields';
import { m } from '$lib/paraglide/messages';

const TEXT: Record<string, () => string> = {
	NETWORK: m.admin_error_network,
	VAFA_FORBIDDEN: m.admin_error_forbidden,
	VAFA_INVALID_REQUEST: m.admin_error_invalid,
	VAFA_PHONE_INVALID: m.admin_error_phone,
	VAFA_INVITE_SELF: m.admin_error_invite_self,
	VAFA_ALREADY_STAFF: m.admin_error_already_staff,
	VAFA_ALREADY_INVITED: m.admin_error_already_invited,
	VAFA_INVALID_ROLE: m.admin_error_invalid,
	VAFA_LAST_OWNER: m.admin_error_last_owner,
	VAFA_STAFF_NOT_FOUND: m.admin_error_staff_not_found,
	VAFA_INVITATION_NOT_FOUND: m.admin_error_staff_not_found,
	VAFA_INVITATION_ACCEPTED: m.admin_error_invitation_accepted,
	VAFA_RULES_INVALID: m.admin_error_rules_invalid,
	VAFA_RULES_RETROACTIVE: m.admin_error_rules_retroactive,
	VAFA_TIER_ORDER: m.admin_error_tier_order
};

/** A stable error code in the current language. */
export function problemText(code: string): string {
	return (TEXT[code] ?? m.admin_error_unknown)();
}

/** A form field's problem in the current language. */
export function fieldProblemText(problem: FieldProblem): string {
	return {
		required: m.admin_field_required,
		whole: m.admin_field_whole,
		range: m.admin_field_range,
		decimal: m.admin_field_decimal,
		url: m.admin_field_url,
		order: m.admin_field_order,
		long: m.admin_field_long
	}[problem]();
}

/** The schema's own sentences (English), as the editor says them in the current language. */
const SCHEMA_SENTENCES: Record<string, () => string> = {
	'A multiplier has at most two decimals, such as 1.5 or 1.25.': m.admin_field_decimal,
	'A campaign needs a multiplier, a bonus or both.': m.admin_rules_err_campaign_effect,
	'A campaign ends on or after the day it starts.': m.admin_field_order,
	'Campaign ids are unique.': m.admin_rules_err_campaign_ids,
	'Hours start and end differ.': m.admin_rules_err_hours,
	'Times are written HH:MM, 00:00–23:59.': m.admin_rules_err_hours,
	'Points are whole numbers.': m.admin_field_whole,
	'Points are never negative.': m.admin_field_range
};

/** A problem the rules editor found with a field, in the current language. */
export function ruleIssueText(
	issue:
		| { kind: 'field'; problem: FieldProblem }
		| { kind: 'schema'; code: string; message: string; minimum?: number; maximum?: number },
	format: (value: number) => string
): string {
	if (issue.kind === 'field') return fieldProblemText(issue.problem);
	const sentence = SCHEMA_SENTENCES[issue.message];
	if (sentence) return sentence();
	if (issue.code === 'too_small' && issue.minimum !== undefined)
		return m.admin_field_min({ min: format(issue.minimum) });
	if (issue.code === 'too_big' && issue.maximum !== undefined)
		return m.admin_field_max({ max: format(issue.maximum) });
	if (issue.code === 'invalid_type') return m.admin_field_required();
	return issue.message;
}
