import { describe, expect, it } from 'vitest';
import { sign, verify } from './jwt.js';
import { ANON_KEY, JWT_SECRET, SERVICE_ROLE_KEY } from './keys.js';

describe('HS256 tokens', () => {
	it('accept the well-known demo keys of supabase start', () => {
		expect(verify(ANON_KEY, JWT_SECRET).claims).toMatchObject({
			role: 'anon',
			iss: 'supabase-demo'
		});
		expect(verify(SERVICE_ROLE_KEY, JWT_SECRET).claims).toMatchObject({ role: 'service_role' });
	});

	it('round-trip the claims they were signed with', () => {
		const claims = { sub: 'u1', role: 'authenticated', exp: Math.floor(Date.now() / 1000) + 60 };
		expect(verify(sign(claims, JWT_SECRET), JWT_SECRET)).toEqual({ claims });
	});

	it('refuse a token whose claims were changed after signing', () => {
		const [header, , signature] = sign({ role: 'authenticated' }, JWT_SECRET).split('.');
		const forged = Buffer.from(JSON.stringify({ role: 'service_role' })).toString('base64url');
		expect(verify(`${header}.${forged}.${signature}`, JWT_SECRET)).toEqual({
			error: 'bad_signature'
		});
	});

	it('refuse a token signed with another secret, an expired one and garbage', () => {
		expect(
			verify(sign({ role: 'anon' }, 'another-secret-another-secret-another'), JWT_SECRET).error
		).toBe('bad_signature');
		expect(verify(sign({ role: 'anon', exp: 1000 }, JWT_SECRET), JWT_SECRET).error).toBe('expired');
		expect(verify('not.a.jwt', JWT_SECRET).error).toBe('malformed');
		expect(verify(undefined, JWT_SECRET).error).toBe('malformed');
	});

	it('refuse the "none" algorithm', () => {
		const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
		const body = Buffer.from(JSON.stringify({ role: 'service_role' })).toString('base64url');
		expect(verify(`${header}.${body}.`, JWT_SECRET).error).toBe('unsupported_alg');
	});
});
