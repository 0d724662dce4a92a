/**
 * The message providers against a fake provider on loopback that records each request: the
 * payload and auth each provider's API documents, and which failures are retried (Kavenegar with
 * the same localid; Twilio only after a 429 it answered; web push per subscription).
 */
import {
	createECDH,
	createPublicKey,
	hkdfSync,
	randomBytes,
	verify,
	createDecipheriv
} from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import {
	kavenegar,
	kavenegarReceptor,
	twilio,
	vapidPush,
	type Outgoing
} from '../../supabase/functions/_shared/messaging/providers';
import {
	kavenegarBehaviour,
	startFakeProvider,
	twilioBehaviour,
	type FakeProvider
} from './messaging-fake-provider';

const fast = { attempts: 3, baseDelayMs: 5, timeoutMs: 5_000 };
const message: Outgoing = {
	id: '6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b',
	channel: 'sms',
	title: 'تولدتان مبارک!',
	body: 'سارا عزیز، ۵۰ امتیاز هدیه',
	phone: '+989121234567'
};

let fake: FakeProvider | undefined;
afterEach(async () => {
	await fake?.close();
	fake = undefined;
});

describe('Kavenegar', () => {
	it('posts sms/send.json with the API key in the path, the form fields and our delivery id as localid', async () => {
		const kave = kavenegarBehaviour();
		fake = await startFakeProvider(kave.reply);
		const provider = kavenegar({ apiKey: 'KEY-123', sender: '10004346', baseUrl: fake.url }, fast);
		const result = await provider.send(message);
		expect(result).toEqual({ outcome: 'sent', ref: '8792343' });
		expect(fake.requests).toHaveLength(1);
		const [request] = fake.requests;
		expect(request.method).toBe('POST');
		expect(request.path).toBe('/v1/KEY-123/sms/send.json');
		expect(request.headers.authorization).toBeUndefined();
		expect(request.form).toEqual({
			receptor: '09121234567',
			message: `${message.title}\n${message.body}`,
			sender: '10004346',
			localid: message.id
		});
	});

	it('retries a 5xx and a dropped connection with the same localid, so Kavenegar sends one message', async () => {
		const kave = kavenegarBehaviour();
		fake = await startFakeProvider(kave.reply);
		fake.script.push(
			{ status: 502, json: { return: { status: 502, message: 'Bad gateway' } } },
			{ status: 500, json: null }
		);
		const result = await kavenegar({ apiKey: 'K', baseUrl: fake.url }, fast).send(message);
		expect(result.outcome).toBe('sent');
		expect(fake.requests).toHaveLength(3);
		expect(new Set(fake.requests.map((r) => r.form.localid))).toEqual(new Set([message.id]));
		expect(kave.delivered()).toBe(1);
	});

	it('gives up on a refusal it documents as final (411: invalid receptor) after one request', async () => {
		fake = await startFakeProvider(() => ({
			status: 411,
			json: { return: { status: 411, message: 'receptor invalid' }, entries: null }
		}));
		const result = await kavenegar({ apiKey: 'K', baseUrl: fake.url }, fast).send(message);
		expect(result).toMatchObject({ outcome: 'failed', error: expect.stringContaining('411') });
		expect(fake.requests).toHaveLength(1);
	});

	it('writes Iranian mobiles as 09… and other numbers in the 00… international form', () => {
		expect(kavenegarReceptor('+989121234567')).toBe('09121234567');
		expect(kavenegarReceptor('+972521234567')).toBe('00972521234567');
	});
});

describe('Twilio', () => {
	const config = (url: string) => ({
		accountSid: 'AC0123456789abcdef0123456789abcdef',
		authToken: 'secret-token',
		from: '+15005550006',
		baseUrl: url
	});

	it('posts Messages.json with HTTP Basic auth of the account SID and token, and To, From and Body', async () => {
		fake = await startFakeProvider(twilioBehaviour());
		const result = await twilio(config(fake.url), fast).send({
			...message,
			phone: '+972521234567'
		});
		expect(result).toEqual({ outcome: 'sent', ref: `SM${'1'.padStart(32, '0')}` });
		const [request] = fake.requests;
		expect(request.path).toBe(
			'/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json'
		);
		expect(request.headers.authorization).toBe(
			`Basic ${Buffer.from('AC0123456789abcdef0123456789abcdef:secret-token').toString('base64')}`
		);
		expect(request.form).toEqual({
			To: '+972521234567',
			From: '+15005550006',
			Body: `${message.title}\n${message.body}`
		});
	});

	it('waits out a 429 (Retry-After) and tries again: Twilio refused the first, so nothing doubles', async () => {
		fake = await startFakeProvider(twilioBehaviour());
		fake.script.push({
			status: 429,
			json: { code: 20429, message: 'Too Many Requests', status: 429 },
			headers: { 'retry-after': '0' }
		});
		const result = await twilio(config(fake.url), fast).send(message);
		expect(result.outcome).toBe('sent');
		expect(fake.requests).toHaveLength(2);
	});

	it('does not retry a 5xx, which may have created the message: its fate is unknown', async () => {
		fake = await startFakeProvider(() => ({ status: 503, json: { code: 20500, message: 'down' } }));
		const result = await twilio(config(fake.url), fast).send(message);
		expect(result).toMatchObject({ outcome: 'unknown' });
		expect(fake.requests).toHaveLength(1);
	});

	it('sends through a messaging service when the sender is an MG… SID', async () => {
		fake = await startFakeProvider(twilioBehaviour());
		await twilio({ ...config(fake.url), from: 'MG0123456789abcdef0123456789abcdef' }, fast).send(
			message
		);
		expect(fake.requests[0].form).toMatchObject({
			MessagingServiceSid: 'MG0123456789abcdef0123456789abcdef'
		});
		expect(fake.requests[0].form.From).toBeUndefined();
	});
});

/** A browser's subscription keys, as PushManager.subscribe would make them. */
function browserKeys() {
	const ecdh = createECDH('prime256v1');
	ecdh.generateKeys();
	const auth = randomBytes(16);
	return {
		ecdh,
		auth,
		keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') }
	};
}

/** RFC 8291: the browser's side of an aes128gcm payload. */
function decrypt(body: Buffer, ecdh: ReturnType<typeof createECDH>, auth: Buffer): string {
	const salt = body.subarray(0, 16);
	const idlen = body[20];
	const serverKey = body.subarray(21, 21 + idlen);
	const ciphertext = body.subarray(21 + idlen);
	const shared = ecdh.computeSecret(serverKey);
	const info = Buffer.concat([Buffer.from('WebPush: info\0'), ecdh.getPublicKey(), serverKey]);
	const ikm = Buffer.from(hkdfSync('sha256', shared, auth, info, 32));
	const cek = Buffer.from(
		hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16)
	);
	const nonce = Buffer.from(
		hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12)
	);
	const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
	decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
	const plain = Buffer.concat([
		decipher.update(ciphertext.subarray(0, ciphertext.length - 16)),
		decipher.final()
	]);
	return plain.subarray(0, plain.lastIndexOf(2)).toString('utf8');
}

describe('web push with VAPID', () => {
	it('signs a VAPID JWT for the push service, encrypts the payload for the browser and sets Topic from the delivery', async () => {
		fake = await startFakeProvider(() => ({ status: 201, headers: { location: '/m/1' } }));
		const vapid = webpush.generateVAPIDKeys();
		const browser = browserKeys();
		const provider = vapidPush(
			{
				publicKey: vapid.publicKey,
				privateKey: vapid.privateKey,
				subject: 'mailto:ops@vafa.example'
			},
			fast
		);
		const result = await provider.send({
			...message,
			channel: 'push',
			subscriptions: [{ id: 's1', endpoint: `${fake.url}/push/abc`, keys: browser.keys }]
		});
		expect(result).toMatchObject({ outcome: 'sent', ref: '/m/1' });
		const [request] = fake.requests;
		expect(request.path).toBe('/push/abc');
		expect(request.headers['content-encoding']).toBe('aes128gcm');
		expect(request.headers.ttl).toBe('86400');
		expect(request.headers.topic).toBe(message.id.replace(/-/g, ''));
		const auth = /^vapid t=([^,]+), k=(\S+)$/.exec(String(request.headers.authorization));
		expect(auth?.[2]).toBe(vapid.publicKey);
		const [header, claims, signature] = auth![1].split('.');
		const raw = Buffer.from(vapid.publicKey, 'base64url');
		const key = createPublicKey({
			key: {
				kty: 'EC',
				crv: 'P-256',
				x: raw.subarray(1, 33).toString('base64url'),
				y: raw.subarray(33).toString('base64url')
			},
			format: 'jwk'
		});
		expect(
			verify(
				'sha256',
				Buffer.from(`${header}.${claims}`),
				{ key, dsaEncoding: 'ieee-p1363' },
				Buffer.from(signature, 'base64url')
			)
		).toBe(true);
		expect(JSON.parse(Buffer.from(claims, 'base64url').toString())).toMatchObject({
			aud: fake.url,
			sub: 'mailto:ops@vafa.example'
		});
		expect(JSON.parse(decrypt(request.body, browser.ecdh, browser.auth))).toEqual({
			title: message.title,
			body: message.body,
			tag: message.id,
			url: '/inbox'
		});
	});

	it('reports a subscription the push service says is gone (410) and retries one that is busy (503)', async () => {
		fake = await startFakeProvider((request) =>
			request.path === '/gone' ? { status: 410 } : { status: 201 }
		);
		fake.script.push({ status: 503 });
		const vapid = webpush.generateVAPIDKeys();
		const result = await vapidPush({ ...vapid, subject: 'mailto:a@b.c' }, fast).send({
			...message,
			channel: 'push',
			subscriptions: [
				{ id: 'busy', endpoint: `${fake.url}/busy`, keys: browserKeys().keys },
				{ id: 'gone', endpoint: `${fake.url}/gone`, keys: browserKeys().keys }
			]
		});
		expect(result).toMatchObject({ outcome: 'sent', gone: ['gone'] });
		expect(fake.requests.map((r) => r.path)).toEqual(['/busy', '/busy', '/gone']);
	});
});
