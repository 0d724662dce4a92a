import { describe, expect, inject, it } from 'vitest';
import { sign } from '../../supabase/local/jwt.js';
import {
	claims,
	latestCode,
	passwordUser,
	randomEmail,
	randomPhone,
	signedIn,
	sql
} from './auth-helpers';
import { anonClient, phoneClient } from './clients';

/** Refreshes with a fresh client each time, so no client-side cache hides the server's answer. */
const refresh = (refresh_token: string) => anonClient().auth.refreshSession({ refresh_token });

describe('password sign-in', () => {
	it('signs an admin-created user in with the right password and a password amr', async () => {
		const { id, phone, password } = await passwordUser();
		const { session } = await signedIn(phone, password);
		expect(session.user.id).toBe(id);
		expect(session).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
		expect(session.refresh_token).toMatch(/^[a-z2-7]{12}$/);
		expect(claims(session.access_token).amr).toEqual([
			{ method: 'password', timestamp: expect.any(Number) }
		]);
	});

	it('a wrong password gets 400 invalid_credentials', async () => {
		const { phone } = await passwordUser();
		const { data, error } = await anonClient().auth.signInWithPassword({
			phone,
			password: 'not-the-password'
		});
		expect(data.session).toBeNull();
		expect(error).toMatchObject({ status: 400, code: 'invalid_credentials' });
	});
});

describe('refresh tokens', () => {
	it('rotate on each refresh and keep the session and its amr', async () => {
		const { phone, password } = await passwordUser();
		const { session: first } = await signedIn(phone, password);
		const { data, error } = await refresh(first.refresh_token);
		expect(error).toBeNull();
		expect(data.session!.refresh_token).not.toBe(first.refresh_token);
		const before = claims(first.access_token);
		const after = claims(data.session!.access_token);
		expect(after.session_id).toBe(before.session_id);
		expect(after.amr).toEqual(before.amr);
	});

	it('replaying the parent of the active token returns the active token instead of a new one', async () => {
		const { phone, password } = await passwordUser();
		const { session } = await signedIn(phone, password);
		const child = (await refresh(session.refresh_token)).data.session!.refresh_token;
		const replay = await refresh(session.refresh_token);
		expect(replay.error).toBeNull();
		expect(replay.data.session!.refresh_token).toBe(child);
	});

	it('reusing a revoked token outside the reuse interval fails and ends the whole session', async () => {
		const { phone, password } = await passwordUser();
		const { session } = await signedIn(phone, password);
		const second = (await refresh(session.refresh_token)).data.session!.refresh_token;
		const third = (await refresh(second)).data.session!.refresh_token;
		// A stolen token replayed a minute later, past refresh_token_reuse_interval (10 s).
		await sql(
			`update auth.refresh_tokens set updated_at = now() - interval '1 minute' where token = $1`,
			[session.refresh_token]
		);
		const stolen = await refresh(session.refresh_token);
		expect(stolen.error).toMatchObject({ status: 400, code: 'refresh_token_already_used' });
		const legit = await refresh(third);
		expect(legit.data.session).toBeNull();
		expect(legit.error).toMatchObject({ status: 400, code: 'session_expired' });
	});

	it('an unknown token gets refresh_token_not_found and a short one validation_failed', async () => {
		expect((await refresh('abcdefghijkl')).error).toMatchObject({
			status: 400,
			code: 'refresh_token_not_found'
		});
		expect((await refresh('short')).error).toMatchObject({
			status: 400,
			code: 'validation_failed'
		});
	});
});

describe('the signed-in user', () => {
	it('getUser returns the user with phone digits and identities', async () => {
		const { id, phone, password } = await passwordUser({ display_name: 'Noa' });
		const { client } = await signedIn(phone, password);
		const { data, error } = await client.auth.getUser();
		expect(error).toBeNull();
		expect(data.user).toMatchObject({
			id,
			phone: phone.slice(1),
			email: '',
			aud: 'authenticated',
			role: 'authenticated'
		});
		expect(data.user?.user_metadata).toEqual({ display_name: 'Noa' });
		expect(data.user?.identities?.map((i) => i.provider)).toEqual(['phone']);
	});

	it('updateUser shallow-merges data into user_metadata and null deletes a key', async () => {
		const { phone, password } = await passwordUser({
			display_name: 'Noa',
			locale: 'fa',
			theme: 'dark'
		});
		const { client, session } = await signedIn(phone, password);
		const { data, error } = await client.auth.updateUser({
			data: { locale: 'en', theme: null, avatar: 'a.png' }
		});
		expect(error).toBeNull();
		expect(data.user?.user_metadata).toEqual({
			display_name: 'Noa',
			locale: 'en',
			avatar: 'a.png'
		});
		const refreshed = await refresh(session.refresh_token);
		expect(claims(refreshed.data.session!.access_token).user_metadata).toEqual(
			data.user?.user_metadata
		);
	});

	it('updateUser changes the password: the new one signs in, the old one no longer does', async () => {
		const { phone, password } = await passwordUser();
		const { client } = await signedIn(phone, password);
		expect((await client.auth.updateUser({ password: 'short' })).error).toMatchObject({
			status: 422,
			code: 'weak_password'
		});
		expect((await client.auth.updateUser({ password: 'a-brand-new-password' })).error).toBeNull();
		expect((await anonClient().auth.signInWithPassword({ phone, password })).error?.code).toBe(
			'invalid_credentials'
		);
		expect(
			(await anonClient().auth.signInWithPassword({ phone, password: 'a-brand-new-password' }))
				.error
		).toBeNull();
	});

	it('updateUser changes the phone only once the code sent to the new number is verified', async () => {
		const { phone, password } = await passwordUser();
		const { client } = await signedIn(phone, password);
		const next = randomPhone();
		const pending = await client.auth.updateUser({ phone: next });
		expect(pending.error).toBeNull();
		expect(pending.data.user).toMatchObject({ phone: phone.slice(1), new_phone: next.slice(1) });
		const { data, error } = await client.auth.verifyOtp({
			phone: next,
			token: await latestCode(next),
			type: 'phone_change'
		});
		expect(error).toBeNull();
		expect(data.user?.phone).toBe(next.slice(1));
		expect(
			(await anonClient().auth.signInWithPassword({ phone: next, password })).error
		).toBeNull();
	});

	it('updateUser changes the email once the code sent to the new address is verified', async () => {
		const { phone, password } = await passwordUser();
		const { client } = await signedIn(phone, password);
		const email = randomEmail();
		const pending = await client.auth.updateUser({ email });
		expect(pending.error).toBeNull();
		expect(pending.data.user).toMatchObject({ email: '', new_email: email });
		const { data, error } = await client.auth.verifyOtp({
			email,
			token: await latestCode(email),
			type: 'email_change'
		});
		expect(error).toBeNull();
		expect(data.user?.email).toBe(email);
		expect(data.user?.email_confirmed_at).toBeTruthy();
	});

	it('updateUser refuses a phone another user already has', async () => {
		const other = await passwordUser();
		const { phone, password } = await passwordUser();
		const { client } = await signedIn(phone, password);
		const { error } = await client.auth.updateUser({ phone: other.phone });
		expect(error).toMatchObject({ status: 422, code: 'phone_exists' });
	});
});

describe('sign-out scopes', () => {
	it('others ends every other session, local ends this one, global ends them all', async () => {
		const { phone, password } = await passwordUser();
		const a = await signedIn(phone, password);
		const b = await signedIn(phone, password);
		expect((await a.client.auth.signOut({ scope: 'others' })).error).toBeNull();
		expect((await anonClient().auth.getUser(a.session.access_token)).error).toBeNull();
		expect((await anonClient().auth.getUser(b.session.access_token)).error?.name).toBe(
			'AuthSessionMissingError'
		);
		expect((await refresh(b.session.refresh_token)).error?.code).toBe('refresh_token_not_found');

		expect((await a.client.auth.signOut({ scope: 'local' })).error).toBeNull();
		expect((await anonClient().auth.getUser(a.session.access_token)).error?.name).toBe(
			'AuthSessionMissingError'
		);

		const c = await signedIn(phone, password);
		const d = await signedIn(phone, password);
		expect((await c.client.auth.signOut()).error).toBeNull();
		expect((await c.client.auth.getSession()).data.session).toBeNull();
		expect((await anonClient().auth.getUser(d.session.access_token)).error?.name).toBe(
			'AuthSessionMissingError'
		);
	});
});

describe('bad tokens', () => {
	it('an expired access token gets 403 bad_jwt saying it is expired', async () => {
		const { phone, password } = await passwordUser();
		const { session } = await signedIn(phone, password);
		const past = Math.floor(Date.now() / 1000) - 60;
		const expired = sign(
			{ ...claims(session.access_token), iat: past - 3600, exp: past },
			inject('stack').jwtSecret
		);
		const { error } = await anonClient().auth.getUser(expired);
		expect(error).toMatchObject({ status: 403, code: 'bad_jwt' });
		expect(error?.message).toMatch(/token is expired/);
	});

	it('a token whose claims were tampered with gets 403 bad_jwt saying the signature is invalid', async () => {
		const victim = await passwordUser();
		const { phone, password } = await passwordUser();
		const { session } = await signedIn(phone, password);
		const [header, , signature] = session.access_token.split('.');
		const forged = Buffer.from(
			JSON.stringify({ ...claims(session.access_token), sub: victim.id })
		).toString('base64url');
		const { data, error } = await anonClient().auth.getUser(`${header}.${forged}.${signature}`);
		expect(data.user).toBeNull();
		expect(error).toMatchObject({ status: 403, code: 'bad_jwt' });
		expect(error?.message).toMatch(/signature is invalid/);
	});

	it('the anon key is not a user: /user answers 403 bad_jwt', async () => {
		const { error } = await anonClient().auth.getUser(inject('stack').anonKey);
		expect(error).toMatchObject({ status: 403, code: 'bad_jwt' });
		expect(error?.message).toMatch(/sub/);
	});
});

describe('sessions against the database', () => {
	it("a session's JWT reaches PostgREST: the demo customer reads only their own membership", async () => {
		const customer = await phoneClient('+989120000001');
		const { data, error } = await customer.from('members').select('user_id, member_number');
		expect(error).toBeNull();
		expect(data?.length).toBeGreaterThan(0);
		expect(data?.every((m) => m.user_id === '11111111-1111-4111-8111-000000000001')).toBe(true);
		expect(data?.map((m) => m.member_number)).toContain(1001);
	});

	it('a brand-new customer signed in by OTP sees no memberships', async () => {
		const phone = randomPhone();
		const client = anonClient();
		await client.auth.signInWithOtp({ phone });
		expect(
			(await client.auth.verifyOtp({ phone, token: await latestCode(phone), type: 'sms' })).error
		).toBeNull();
		const { data, error } = await client.from('members').select('id');
		expect(error).toBeNull();
		expect(data).toEqual([]);
	});
});
