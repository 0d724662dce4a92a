/** Local stack only: GoTrue's error shape, so supabase-js maps `error.code` as it does in production. */

/** An API error with GoTrue's HTTP status, stable code and a message a person can act on. */
export class AuthError extends Error {
	/** `commit`: the transaction's writes stand despite the error (e.g. revoking a token family). */
	constructor(status, code, message, extra = {}, commit = false) {
		super(message);
		this.status = status;
		this.code = code;
		this.extra = extra;
		this.commit = commit;
	}
}

/** Shorthands for the statuses GoTrue uses. */
export const badRequest = (code, message, extra) => new AuthError(400, code, message, extra);
export const forbidden = (code, message) => new AuthError(403, code, message);
export const notFound = (code, message) => new AuthError(404, code, message);
export const unprocessable = (code, message, extra) => new AuthError(422, code, message, extra);
export const tooManyRequests = (code, message) => new AuthError(429, code, message);

const VERSION_HEADER = 'x-supabase-api-version';
const V2024 = Date.parse('2024-01-01T00:00:00Z');

/**
 * Writes `error` as GoTrue does: the 2024 body `{code, message}` plus the echoed version header
 * when the client asked for that API version, else the legacy `{code: status, error_code, msg}`.
 */
export function sendError(req, res, error) {
	const asked = Date.parse(`${req.headers[VERSION_HEADER] ?? ''}T00:00:00Z`);
	const modern = Number.isFinite(asked) && asked >= V2024;
	const body = modern
		? { code: error.code, message: error.message, ...error.extra }
		: { code: error.status, error_code: error.code, msg: error.message, ...error.extra };
	const headers = { 'content-type': 'application/json' };
	if (modern) headers['x-supabase-api-version'] = '2024-01-01';
	res.writeHead(error.status, headers).end(JSON.stringify(body));
}
