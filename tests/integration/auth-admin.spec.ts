import { describe, expect, inject, it } from 'vitest';
import { passwordUser, randomEmail, randomPhone, signedIn } from './auth-helpers';
import { anonClient, serviceClient } from './clients';

describe('admin users API', () => {
	it('creates a confirmed email user with metadata who can sign in with the password', async () => {
		const email = randomEmail();
		const { data, error } = await serviceClient().auth.admin.createUser({
			email,
			password: 'a-long-password-1',
			email_confirm: true,
			user_metadata: { display_name: 'Dana' },
			app_metadata: { club: 'cafe-vafa' }
		});
		expect(error).toBeNull();
		expect(data.user).toMatchObject({
			email,
			phone: '',
			user_metadata: { display_name: 'Dana' },
			app_metadata: { provider: 'email', providers: ['email'], club: 'cafe-vafa' }
		});
		const signIn = await anonClient().auth.signInWithPassword({
			email,
			password: 'a-long-password-1'
		});
		expect(signIn.error).toBeNull();
		expect(signIn.data.user?.id).toBe(data.user?.id);
	});

	it('refuses a second user with the same phone (422 phone_exists) or a short password (422 weak_password)', async () => {
		const { phone } = await passwordUser();
		const admin = serviceClient().auth.admin;
		expect((await admin.createUser({ phone, phone_confirm: true })).error).toMatchObject({
			status: 422,
			code: 'phone_exists'
		});
		const weak = await admin.createUser({ phone: randomPhone(), password: 'short' });
		expect(weak.error).toMatchObject({ status: 422, code: 'weak_password' });
	});

	it('lists users a page at a time with the total and the next page', async () => {
		await passwordUser();
		await passwordUser();
		const { data, error } = await serviceClient().auth.admin.listUsers({ page: 1, perPage: 1 });
		expect(error).toBeNull();
		expect(data.users).toHaveLength(1);
		if (!('total' in data)) throw new Error('listUsers returned no pagination');
		expect(data.total).toBeGreaterThanOrEqual(5);
		expect(data).toMatchObject({ nextPage: 2, aud: 'authenticated' });
		const second = await serviceClient().auth.admin.listUsers({ page: 2, perPage: 1 });
		expect(second.data.users[0]?.id).not.toBe(data.users[0]?.id);
	});

	it('reads and updates a user by id, merging metadata', async () => {
		const { id } = await passwordUser({ display_name: 'Eli', locale: 'he' });
		const admin = serviceClient().auth.admin;
		const updated = await admin.updateUserById(id, {
			user_metadata: { locale: null, tier: 'gold' }
		});
		expect(updated.error).toBeNull();
		const { data, error } = await admin.getUserById(id);
		expect(error).toBeNull();
		expect(data.user?.user_metadata).toEqual({ display_name: 'Eli', tier: 'gold' });
	});

	it('deletes a user: they are gone and their refresh token no longer works', async () => {
		const { id, phone, password } = await passwordUser();
		const { session } = await signedIn(phone, password);
		const admin = serviceClient().auth.admin;
		expect((await admin.deleteUser(id)).error).toBeNull();
		expect((await admin.getUserById(id)).error).toMatchObject({
			status: 404,
			code: 'user_not_found'
		});
		expect(
			(await anonClient().auth.refreshSession({ refresh_token: session.refresh_token })).error
		).toMatchObject({
			status: 400,
			code: 'refresh_token_not_found'
		});
		expect((await anonClient().auth.signInWithPassword({ phone, password })).error?.code).toBe(
			'invalid_credentials'
		);
	});

	it('the anon key and a signed-in user are not admins: 403 not_admin', async () => {
		expect((await anonClient().auth.admin.listUsers()).error).toMatchObject({
			status: 403,
			code: 'not_admin'
		});
		const { phone, password } = await passwordUser();
		const { session } = await signedIn(phone, password);
		const { url, anonKey } = inject('stack');
		const response = await fetch(`${url}/auth/v1/admin/users`, {
			headers: {
				apikey: anonKey,
				authorization: `Bearer ${session.access_token}`,
				'x-supabase-api-version': '2024-01-01'
			}
		});
		expect(response.status).toBe(403);
		expect(response.headers.get('x-supabase-api-version')).toBe('2024-01-01');
		expect(await response.json()).toMatchObject({ code: 'not_admin', message: expect.any(String) });
	});
});

describe('service endpoints', () => {
	it('health and settings answer like GoTrue', async () => {
		const { url, anonKey } = inject('stack');
		const health = await fetch(`${url}/auth/v1/health`, { headers: { apikey: anonKey } });
		expect(await health.json()).toMatchObject({ name: 'GoTrue' });
		const settings = await fetch(`${url}/auth/v1/settings`, { headers: { apikey: anonKey } });
		expect(await settings.json()).toMatchObject({
			external: { phone: true, email: true },
			disable_signup: false
		});
	});
});
