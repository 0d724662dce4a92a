import { m } from '$lib/paraglide/messages';

/** A stable error code from the API, in the current locale's words. */
export function errorText(code: string): string {
	switch (code) {
		case 'VAFA_FORBIDDEN':
			return m.insights_error_forbidden();
		case 'VAFA_REASON_REQUIRED':
			return m.insights_error_reason();
		case 'VAFA_INVALID_AMOUNT':
			return m.insights_error_amount();
		case 'VAFA_INSUFFICIENT_POINTS':
			return m.insights_error_insufficient();
		case 'VAFA_SECOND_APPROVER_REQUIRED':
			return m.insights_error_second_approver();
		case 'VAFA_APPROVAL_DECIDED':
			return m.insights_error_decided();
		case 'VAFA_MEMBER_NOT_FOUND':
			return m.insights_error_not_found();
		case 'VAFA_INVALID_PERIOD':
			return m.insights_error_period();
		case 'network':
			return m.insights_error_network();
		default:
			return m.insights_error_unknown({ code });
	}
}

/** Why an import row was refused, in words. */
export function problemText(code: string): string {
	switch (code) {
		case 'VAFA_PHONE_MISSING':
			return m.insights_problem_phone_missing();
		case 'VAFA_PHONE_INVALID':
			return m.insights_problem_phone_invalid();
		case 'VAFA_NAME_TOO_LONG':
			return m.insights_problem_name_too_long();
		case 'VAFA_INVALID_BIRTHDAY':
			return m.insights_problem_birthday();
		case 'VAFA_MEMBER_NUMBER_INVALID':
			return m.insights_problem_member_number();
		case 'VAFA_INVALID_POINTS':
			return m.insights_problem_points();
		case 'VAFA_DUPLICATE_ROW':
			return m.insights_problem_duplicate();
		case 'VAFA_MEMBER_NUMBER_TAKEN':
			return m.insights_problem_number_taken();
		default:
			return m.insights_problem_other({ code });
	}
}

/** The code of whatever a data call threw: a PostgREST error's message, or `network`. */
export function codeOf(error: unknown): string {
	if (error && typeof error === 'object') {
		const e = error as { code?: unknown; message?: unknown };
		if (typeof e.message === 'string' && e.message.startsWith('VAFA_')) return e.message;
		if (typeof e.code === 'string' && e.code.startsWith('VAFA_')) return e.code;
	}
	return 'network';
}
