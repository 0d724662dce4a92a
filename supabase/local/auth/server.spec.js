import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { sign } from '../jwt.js';
import { createAuthHandler } from './server.js';

const SECRET = 'a-test-secret-of-at-least-thirty-two-chars';
// No route under test reaches the database: a pool that fails loudly proves it.
const pool = {
	connect: () => Promise.reject(new Error('no database in unit tests')),
	query: () => Promise.reject(new Error('no database'))
};
let server;
let base;

beforeAll(async () => {
	const handler = createAuthHandler({
		pool,
		auth: loadConfig().auth,
		jwtSecret: SECRET,
		issuer: 'http://test/auth/v1'
	});
	server = http.createServer(handler);
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	base = `http://127.0.0.1:${server.address().port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const modern = { 'x-supabase-api-version': '2024-01-01' };

describe('createAuthHandler without a database', () => {
	it('admin routes without a bearer token answer 401 no_authorization in the 2024 format', async () => {
		const response = await fetch(`${base}/admin/users`, { headers: modern });
		expect(response.status).toBe(401);
		expect(response.headers.get('x-supabase-api-version')).toBe('2024-01-01');
		expect(await response.json()).toEqual({
			code: 'no_authorization',
			message: expect.stringMatching(/Bearer/)
		});
	});

	it('clients that did not ask for the 2024 API get the legacy error body and no version echo', async () => {
		const response = await fetch(`${base}/admin/users`);
		expect(response.headers.get('x-supabase-api-version')).toBeNull();
		expect(await response.json()).toMatchObject({
			code: 401,
			error_code: 'no_authorization',
			msg: expect.any(String)
		});
	});

	it('an authenticated-role token on an admin route answers 403 not_admin', async () => {
		const token = sign({ sub: 'x', role: 'authenticated', exp: Date.now() / 1000 + 60 }, SECRET);
		const response = await fetch(`${base}/admin/users`, {
			headers: { ...modern, authorization: `Bearer ${token}` }
		});
		expect(response.status).toBe(403);
		expect((await response.json()).code).toBe('not_admin');
	});

	it('a token signed with another secret answers 403 bad_jwt', async () => {
		const token = sign({ role: 'service_role' }, 'some-other-secret-of-thirty-two-chars!!');
		const response = await fetch(`${base}/admin/users`, {
			headers: { ...modern, authorization: `Bearer ${token}` }
		});
		expect(response.status).toBe(403);
		expect(await response.json()).toMatchObject({
			code: 'bad_jwt',
			message: expect.stringMatching(/signature is invalid/)
		});
	});

	it('a malformed phone is refused before any database work', async () => {
		const response = await fetch(`${base}/otp`, {
			method: 'POST',
			headers: { ...modern, 'content-type': 'application/json' },
			body: JSON.stringify({ phone: '0912 123 4567' })
		});
		expect(response.status).toBe(400);
		expect((await response.json()).code).toBe('validation_failed');
	});

	it('an unsupported logout scope is a 400 validation_failed', async () => {
		const response = await fetch(`${base}/logout?scope=everyone`, {
			method: 'POST',
			headers: modern
		});
		expect(response.status).toBe(400);
		expect((await response.json()).code).toBe('validation_failed');
	});
});
