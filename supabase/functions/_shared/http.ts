/** Responses of Vafa's edge functions: JSON, CORS for the app, and errors as `{ code, message }`. */

export const corsHeaders = {
	'Access-Control-Allow-Origin': '*',
	'Access-Control-Allow-Headers':
		'authorization, x-client-info, apikey, content-type, idempotency-key, x-vafa-pos-key',
	'Access-Control-Allow-Methods': 'GET, POST, OPTIONS'
};

/** A JSON response with CORS headers. */
export function json(body: unknown, status = 200): Response {
	return new Response(JSON.stringify(body), {
		status,
		headers: { ...corsHeaders, 'content-type': 'application/json; charset=utf-8' }
	});
}

/** An error with a stable code the app translates, and a message a developer can act on. */
export function error(status: number, code: string, message: string): Response {
	return json({ code, message }, status);
}

/** The caller's bearer token, or null. */
export function bearer(request: Request): string | null {
	return /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1] ?? null;
}

/** A refusal as `{ code, message }` (and `issues` for an invalid body) with its status. */
export function refuse(failure: {
	status: number;
	code: string;
	message: string;
	issues?: unknown;
}): Response {
	const { status, ...body } = failure;
	return json(body, status);
}
