/** One place that turns a stable error code into an HTTP status, for the checkout and POS functions. */

export interface Failure {
	status: number;
	code: string;
	message: string;
	issues?: { path: string; message: string }[];
}

const STATUS: Record<string, number> = {
	VAFA_INVALID_REQUEST: 400,
	VAFA_IDEMPOTENCY_KEY_REQUIRED: 400,
	VAFA_NOT_SIGNED_IN: 401,
	VAFA_API_KEY_INVALID: 401,
	VAFA_FORBIDDEN: 403,
	VAFA_API_KEY_REVOKED: 403,
	VAFA_PROGRAM_NOT_FOUND: 404,
	VAFA_MEMBER_NOT_FOUND: 404,
	VAFA_PURCHASE_NOT_FOUND: 404,
	VAFA_NOT_FOUND: 404,
	VAFA_METHOD_NOT_ALLOWED: 405,
	VAFA_CARD_REPLAYED: 409,
	VAFA_IDEMPOTENCY_KEY_REUSED: 409,
	VAFA_PURCHASE_DUPLICATE: 409,
	VAFA_CHECKOUT_STALE: 409,
	VAFA_RATE_LIMITED: 429,
	VAFA_RULES_INVALID: 500,
	VAFA_INTERNAL: 500
};

/** The status of a stable code: anything else a function refuses is a business refusal, 422. */
export function statusOf(code: string): number {
	return STATUS[code] ?? 422;
}

/** A refusal with its status. */
export function failure(code: string, message: string, extra: Partial<Failure> = {}): Failure {
	return { status: statusOf(code), code, message, ...extra };
}

/**
 * A database error as supabase-js reports it: our functions raise the code as the message and a
 * sentence for people as the detail. Anything else (a bug, an outage) is a 500 without internals.
 */
export function fromDbError(error: { message?: string; details?: string | null }): Failure {
	const code = error.message ?? '';
	if (/^VAFA_[A-Z_]+$/.test(code)) return failure(code, error.details || code);
	return failure(
		'VAFA_INTERNAL',
		'Something went wrong on our side; nothing was changed. Try again.'
	);
}
