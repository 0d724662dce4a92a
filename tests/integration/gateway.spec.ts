import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { anonClient, phoneClient } from './clients';

const { url, anonKey, serviceRoleKey } = inject('stack');

describe('the gateway', () => {
	it('refuses REST calls without an API key, as Supabase does', async () => {
		const response = await fetch(`${url}/rest/v1/programs`);
		expect(response.status).toBe(401);
		expect((await response.json()).message).toBe('No API key found in request');
	});

	it('refuses REST calls with a key that is not the project’s', async () => {
		const response = await fetch(`${url}/rest/v1/programs`, { headers: { apikey: 'not-a-key' } });
		expect(response.status).toBe(401);
		expect((await response.json()).message).toBe('Invalid API key');
	});

	it('answers a browser’s CORS preflight for the headers supabase-js sends', async () => {
		const response = await fetch(`${url}/rest/v1/members`, {
			method: 'OPTIONS',
			headers: {
				origin: 'http://localhost:5173',
				'access-control-request-method': 'GET',
				'access-control-request-headers': 'apikey, authorization, x-client-info'
			}
		});
		expect(response.status).toBe(204);
		expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
		expect(response.headers.get('access-control-allow-headers')).toContain('apikey');
	});

	it('reports every service healthy', async () => {
		const response = await fetch(`${url}/_local/health`);
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({
			healthy: true,
			services: { db: 'ok', rest: 'ok', functions: 'ok', auth: 'ok' }
		});
	});

	it('answers an unknown route with 404', async () => {
		const response = await fetch(`${url}/storage/v1/bucket`, { headers: { apikey: anonKey } });
		expect(response.status).toBe(404);
	});

	it('serves PostgREST’s OpenAPI description only to the service role', async () => {
		const response = await fetch(`${url}/rest/v1/`, {
			headers: { apikey: serviceRoleKey }
		});
		expect(response.status).toBe(200);
		expect(Object.keys((await response.json()).paths)).toContain('/members');
	});
});

describe('edge functions behind the gateway', () => {
	it('reject a call without a JWT when verify_jwt is on', async () => {
		const response = await fetch(`${url}/functions/v1/my-cards`);
		expect(response.status).toBe(401);
		expect((await response.json()).code).toBe('UNAUTHORIZED_NO_AUTH_HEADER');
	});

	it('reject a forged JWT', async () => {
		const [header, body] = anonKey.split('.');
		const response = await fetch(`${url}/functions/v1/my-cards`, {
			headers: { authorization: `Bearer ${header}.${body}.forged` }
		});
		expect(response.status).toBe(401);
		expect((await response.json()).code).toBe('UNAUTHORIZED_INVALID_JWT');
	});

	it('answer 404 for a function that does not exist', async () => {
		const response = await fetch(`${url}/functions/v1/no-such-function`, {
			headers: { authorization: `Bearer ${anonKey}` }
		});
		expect(response.status).toBe(404);
	});

	it('tell the anon caller to sign in, through supabase-js', async () => {
		const { error } = await anonClient().functions.invoke('my-cards', { method: 'GET' });
		expect(error).toBeTruthy();
		const body = await (error as { context: Response }).context.json();
		expect(body.code).toBe('VAFA_NOT_SIGNED_IN');
	});

	it('run as the caller, so a customer gets exactly their own cards', async () => {
		const customer = await phoneClient('+989120000001');
		const { data, error } = await customer.functions.invoke('my-cards', { method: 'GET' });
		expect(error).toBeNull();
		expect(data.cards).toHaveLength(1);
		expect(data.cards[0]).toMatchObject({ memberNumber: 1001, club: { slug: 'cafe-vafa' } });
	});
});
