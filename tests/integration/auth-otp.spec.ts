import { createHash } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { latestCode, claims, outbox, randomEmail, randomPhone, sql } from './auth-helpers';
import { anonClient } from './clients';

describe('phone sign-in by one-time code', () => {
	it('signs a new customer in with the code delivered to the outbox, phone stored without +', async () => {
		const phone = randomPhone();
		const client = anonClient();
		const sent = await client.auth.signInWithOtp({ phone });
		expect(sent.error).toBeNull();
		const [message] = await outbox(phone);
		expect(message).toMatchObject({
			channel: 'sms',
			to: phone,
			code: expect.stringMatching(/^\d{6}$/)
		});
		expect(message?.body).toContain(message?.code);

		const { data, error } = await client.auth.verifyOtp({
			phone,
			token: message!.code,
			type: 'sms'
		});
		expect(error).toBeNull();
		expect(data.user?.phone).toBe(phone.slice(1));
		expect(data.user?.phone_confirmed_at).toBeTruthy();
		expect(data.user?.app_metadata).toMatchObject({ provider: 'phone', providers: ['phone'] });
		expect(data.user?.identities?.[0]).toMatchObject({
			provider: 'phone',
			identity_data: { phone: phone.slice(1) }
		});
		const token = claims(data.session!.access_token);
		expect(token).toMatchObject({
			sub: data.user!.id,
			aud: 'authenticated',
			role: 'authenticated',
			phone: phone.slice(1),
			email: '',
			aal: 'aal1',
			is_anonymous: false,
			iss: `${inject('stack').url}/auth/v1`
		});
		expect((token.exp as number) - (token.iat as number)).toBe(3600);
		expect(token.amr).toEqual([{ method: 'otp', timestamp: expect.any(Number) }]);
		expect(token.session_id).toEqual(expect.any(String));
	});

	it('a code works only once', async () => {
		const phone = randomPhone();
		await anonClient().auth.signInWithOtp({ phone });
		const code = await latestCode(phone);
		expect(
			(await anonClient().auth.verifyOtp({ phone, token: code, type: 'sms' })).error
		).toBeNull();
		const replay = await anonClient().auth.verifyOtp({ phone, token: code, type: 'sms' });
		expect(replay.error).toMatchObject({ code: 'otp_expired', status: 403 });
	});

	it('the demo customer signs in with the test OTP 123456 and no code is sent', async () => {
		const client = anonClient();
		const sent = await client.auth.signInWithOtp({ phone: '+989120000001' });
		expect(sent.error).toBeNull();
		expect(sent.data.messageId).toBe('test-otp');
		// The outbox also carries the club's own messages (the demo member's draw prize): no code here.
		expect((await outbox('+989120000001')).filter((message) => message.code)).toEqual([]);
		const { data, error } = await client.auth.verifyOtp({
			phone: '+989120000001',
			token: '123456',
			type: 'sms'
		});
		expect(error).toBeNull();
		expect(data.user?.id).toBe('11111111-1111-4111-8111-000000000001');
		expect(data.user?.user_metadata).toMatchObject({ display_name: 'سارا' });
	});

	it('Persian digits with spaces sign in as the same E.164 number', async () => {
		const { data, error } = await anonClient().auth.verifyOtp({
			phone: '+۹۸ ۹۱۲ ۰۰۰ ۰۰۰۱',
			token: '۱۲۳۴۵۶',
			type: 'sms'
		});
		expect(error).toBeNull();
		expect(data.user?.phone).toBe('989120000001');
	});

	it('Arabic-Indic digits, dashes and parentheses normalise to ASCII E.164', async () => {
		const phone = randomPhone();
		const arabic = `(+${phone.slice(1, 4)}) ${phone.slice(4, 6)}-${phone.slice(6)}`.replace(
			/\d/g,
			(d) => String.fromCharCode(0x0660 + Number(d))
		);
		const sent = await anonClient().auth.signInWithOtp({ phone: arabic });
		expect(sent.error).toBeNull();
		const { data, error } = await anonClient().auth.verifyOtp({
			phone: arabic,
			token: await latestCode(phone),
			type: 'sms'
		});
		expect(error).toBeNull();
		expect(data.user?.phone).toBe(phone.slice(1));
	});

	it.each([
		['a national number without country code', '0912 123 4567'],
		['too few digits', '+98 912'],
		['letters', '+98 phone'],
		['an empty string', ''],
		['more than 15 digits', '+98 912 123 4567 8901 2']
	])('rejects %s with 400 validation_failed naming E.164', async (_, phone) => {
		const { error } = await anonClient().auth.signInWithOtp({ phone });
		expect(error).toMatchObject({ status: 400, code: 'validation_failed' });
		expect(error?.message).toMatch(/E\.164/);
	});

	it('rejects a malformed phone on verify too', async () => {
		const { error } = await anonClient().auth.verifyOtp({
			phone: '12',
			token: '123456',
			type: 'sms'
		});
		expect(error).toMatchObject({ status: 400, code: 'validation_failed' });
	});
});

describe('wrong codes and rate limits', () => {
	it('after 5 wrong codes the outstanding code is void until a new one is requested', async () => {
		const phone = randomPhone();
		await anonClient().auth.signInWithOtp({ phone });
		const code = await latestCode(phone);
		const wrong = code === '000000' ? '111111' : '000000';
		for (let attempt = 1; attempt <= 5; attempt++) {
			const { error } = await anonClient().auth.verifyOtp({ phone, token: wrong, type: 'sms' });
			expect(error).toMatchObject({ status: 403, code: 'otp_expired' });
			if (attempt === 5) expect(error?.message).toMatch(/void/);
		}
		const late = await anonClient().auth.verifyOtp({ phone, token: code, type: 'sms' });
		expect(late.error).toMatchObject({ status: 403, code: 'otp_expired' });
		expect(late.error?.message).toMatch(/request a new code/i);

		// Skip the 5 s resend wait rather than sleep through it.
		await sql(
			`update auth_local.otp_requests set created_at = created_at - interval '1 minute' where target = $1`,
			[phone.slice(1)]
		);
		expect((await anonClient().auth.signInWithOtp({ phone })).error).toBeNull();
		const fresh = await anonClient().auth.verifyOtp({
			phone,
			token: await latestCode(phone),
			type: 'sms'
		});
		expect(fresh.error).toBeNull();
	});

	it('wrong codes void the test OTP of a demo number too, until it asks for a new code', async () => {
		const phone = '+989120000002';
		for (let attempt = 1; attempt <= 5; attempt++) {
			await anonClient().auth.verifyOtp({ phone, token: '654321', type: 'sms' });
		}
		const blocked = await anonClient().auth.verifyOtp({ phone, token: '123456', type: 'sms' });
		expect(blocked.error).toMatchObject({ status: 403, code: 'otp_expired' });
		await sql(`delete from auth_local.otp_requests where target = '989120000002'`);
		expect((await anonClient().auth.signInWithOtp({ phone })).error).toBeNull();
		expect(
			(await anonClient().auth.verifyOtp({ phone, token: '123456', type: 'sms' })).error
		).toBeNull();
	});

	it('a resend within max_frequency gets 429 over_sms_send_rate_limit with the seconds to wait', async () => {
		const phone = randomPhone();
		expect((await anonClient().auth.signInWithOtp({ phone })).error).toBeNull();
		const { error } = await anonClient().auth.signInWithOtp({ phone });
		expect(error).toMatchObject({ status: 429, code: 'over_sms_send_rate_limit' });
		expect(error?.message).toMatch(/after [1-5] seconds/);
		expect(await outbox(phone)).toHaveLength(1);
	});

	it('test numbers are still held to max_frequency', async () => {
		await sql(`delete from auth_local.otp_requests where target = '989120000003'`);
		expect((await anonClient().auth.signInWithOtp({ phone: '+989120000003' })).error).toBeNull();
		const { error } = await anonClient().auth.signInWithOtp({ phone: '+989120000003' });
		expect(error).toMatchObject({ status: 429, code: 'over_sms_send_rate_limit' });
	});

	it('a phone gets at most 5 codes an hour', async () => {
		const phone = randomPhone();
		await sql(
			`insert into auth_local.otp_requests (target, created_at)
			 select $1, now() - make_interval(mins => 10 * g) from generate_series(1, 5) g`,
			[phone.slice(1)]
		);
		const { error } = await anonClient().auth.signInWithOtp({ phone });
		expect(error).toMatchObject({ status: 429, code: 'over_sms_send_rate_limit' });
		expect(error?.message).toMatch(/5 an hour.*after \d+ seconds/);
		expect(await outbox(phone)).toEqual([]);
	});
});

describe('email sign-in by one-time code', () => {
	it('signs a new user in with the emailed code, then with a magic-link code and its token hash', async () => {
		const email = randomEmail();
		const client = anonClient();
		expect((await client.auth.signInWithOtp({ email })).error).toBeNull();
		const [message] = await outbox(email);
		expect(message).toMatchObject({ channel: 'email', to: email });
		const first = await client.auth.verifyOtp({ email, token: message!.code, type: 'email' });
		expect(first.error).toBeNull();
		expect(first.data.user).toMatchObject({
			email,
			phone: '',
			app_metadata: { provider: 'email' }
		});
		expect(first.data.user?.email_confirmed_at).toBeTruthy();

		// Skip the 1 s resend wait rather than sleep through it.
		await sql(
			`update auth_local.otp_requests set created_at = created_at - interval '1 minute' where target = $1`,
			[email]
		);
		expect((await anonClient().auth.signInWithOtp({ email })).error).toBeNull();
		const code = await latestCode(email);
		const tokenHash = createHash('sha224')
			.update(email + code)
			.digest('hex');
		const second = await anonClient().auth.verifyOtp({ token_hash: tokenHash, type: 'magiclink' });
		expect(second.error).toBeNull();
		expect(second.data.user?.id).toBe(first.data.user?.id);
	});

	it('a resent email within max_frequency gets 429 over_email_send_rate_limit', async () => {
		const email = randomEmail();
		expect((await anonClient().auth.signInWithOtp({ email })).error).toBeNull();
		const { error } = await anonClient().auth.signInWithOtp({ email });
		expect(error).toMatchObject({ status: 429, code: 'over_email_send_rate_limit' });
	});

	it('an unknown user cannot get a code when sign-up is not allowed', async () => {
		const { error } = await anonClient().auth.signInWithOtp({
			phone: randomPhone(),
			options: { shouldCreateUser: false }
		});
		expect(error).toMatchObject({ status: 422, code: 'otp_disabled' });
	});
});

describe('email links', () => {
	it('the link in the email signs in by redirecting to the site with the session in the fragment', async () => {
		const email = randomEmail();
		await anonClient().auth.signInWithOtp({ email });
		const [message] = await outbox(email);
		const link = /https?:\/\/\S+/.exec(message!.body)![0];
		const response = await fetch(link, { redirect: 'manual' });
		expect(response.status).toBe(303);
		const location = new URL(response.headers.get('location')!);
		expect(location.origin).toBe('http://localhost:5173');
		const fragment = new URLSearchParams(location.hash.slice(1));
		expect(claims(fragment.get('access_token')!).email).toBe(email);
		const reused = new URL((await fetch(link, { redirect: 'manual' })).headers.get('location')!);
		expect(new URLSearchParams(reused.hash.slice(1)).get('error_code')).toBe('otp_expired');
	});
});
