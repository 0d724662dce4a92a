import { claimsOf } from '../http.ts';

/** Whether a request comes with the service role's JWT (the gateway has checked its signature). */
export function isServiceRole(authorization: string | null): boolean {
	return claimsOf(authorization)?.role === 'service_role';
}
