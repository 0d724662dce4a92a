/** Whether a request comes with the service role's JWT (the gateway has checked its signature). */
export function isServiceRole(authorization: string | null): boolean {
	const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
	const payload = token?.split('.')[1];
	if (!payload) return false;
	try {
		const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
		const json = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
		return (JSON.parse(json) as { role?: unknown }).role === 'service_role';
	} catch {
		return false;
	}
}
