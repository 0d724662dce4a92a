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

/** The bearer token in an `Authorization` header, or null. */
export function bearerOf(authorization: string | null): string | null {
	return /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? null;
}

/** The caller's bearer token, or null. */
export function bearer(request: Request): string | null {
	return bearerOf(request.headers.get('authorization'));
}

/**
 * The claims of the JWT in an `Authorization` header, unverified: only for functions behind the
 * gateway, which refuses a request whose signature is not valid (verify_jwt). Null when there is
 * no readable token.
 */
export function claimsOf(authorization: string | null): Record<string, unknown> | null {
	const payload = bearerOf(authorization)?.split('.')[1];
	if (!payload) return null;
	try {
		const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
		const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
		const claims: unknown = JSON.parse(
			new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)))
		);
		return typeof claims === 'object' && claims !== null
			? (claims as Record<string, unknown>)
			: null;
	} catch {
		return null;
	}
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
