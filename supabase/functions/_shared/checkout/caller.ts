/** Who calls a function whose JWT the gateway (verify_jwt) has already checked. */
import { claimsOf } from '../http.ts';

export type Caller =
	| { ok: true; userId: string }
	| { ok: false; code: 'VAFA_NOT_SIGNED_IN' | 'VAFA_FORBIDDEN'; message: string };

/**
 * The signed-in user behind `authorization`. The signature is not checked again here: the
 * gateway refused the request unless it was valid, and asking GoTrue would cost a round trip.
 */
export function callerOf(authorization: string | null): Caller {
	const claims = claimsOf(authorization);
	if (!claims) return { ok: false, code: 'VAFA_NOT_SIGNED_IN', message: 'Sign in as staff first.' };
	if (
		claims.role !== 'authenticated' ||
		typeof claims.sub !== 'string' ||
		!/^[0-9a-f-]{36}$/i.test(claims.sub)
	) {
		return {
			ok: false,
			code: 'VAFA_FORBIDDEN',
			message: 'Only a signed-in member of a club’s staff may check members out.'
		};
	}
	return { ok: true, userId: claims.sub.toLowerCase() };
}
