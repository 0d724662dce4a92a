/**
 * Messages end to end against the local stack: templates rendered per locale, idempotent enqueue,
 * per-channel opt-out, quiet hours in the club's timezone (deferred, never dropped), the claim and
 * lease state machine with a crash between the provider's answer and the mark, and the deployed
 * dispatch function delivering through the local outbox.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { dispatchOnce, type Rpc } from '../../supabase/functions/_shared/messaging/dispatch';
import {
	kavenegar,
	twilio,
	type Providers
} from '../../supabase/functions/_shared/messaging/providers';
import {
	kavenegarBehaviour,
	startFakeProvider,
	twilioBehaviour,
	type FakeProvider
} from './messaging-fake-provider';
import { createWorld, type World } from './world';

let world: World;
let fake: FakeProvider | undefined;
const fast = { attempts: 2, baseDelayMs: 5, timeoutMs: 5_000 };

beforeAll(async () => {
	world = await createWorld();
	await world.db.query(
		`insert into public.message_templates (program_id, key, locale, channels, title, body) values
		 ($1, 'hello', 'fa', '{inbox,sms}', 'سلام {name}', '{name} عزیز، {points} امتیاز دارید. سطح: {tier}'),
		 ($1, 'hello', 'en', '{inbox,sms}', 'Hi {name}', 'Dear {name}, you have {points} points. Tier: {tier}'),
		 ($1, 'sms_only', 'fa', '{sms}', '', 'پیام {n}')`,
		[world.x.id]
	);
});
afterAll(() => world.end());
afterEach(async () => {
	await fake?.close();
	fake = undefined;
	await world.db.query(
		`update public.programs set settings = settings - 'quiet_hours' where id = $1`,
		[world.x.id]
	);
});

async function enqueue(
	memberId: string,
	template: string,
	params: object = {},
	key: string = randomUUID()
) {
	const { rows } = await world.db.query(
		`select private.enqueue_message($1, $2, $3, $4, $5) as id`,
		[world.x.id, memberId, template, JSON.stringify(params), key]
	);
	return rows[0].id as string;
}

async function deliveries(messageId: string) {
	const { rows } = await world.db.query(
		`select channel, status, attempts, provider, provider_ref, not_before, last_error
		 from public.message_deliveries where message_id = $1 order by channel`,
		[messageId]
	);
	return rows;
}

const rpc: Rpc = (fn, args) => world.service.rpc(fn, args);

/** Sends whatever club X has due, to a provider nobody checks, so a test starts from an empty queue. */
async function drain() {
	const sink = await startFakeProvider(kavenegarBehaviour().reply);
	const sms = kavenegar({ apiKey: 'K', baseUrl: sink.url }, fast);
	await dispatchOnce({
		rpc,
		providers: { sms: { sms }, push: null, defaultSms: 'sms' },
		programId: world.x.id,
		limit: 500
	});
	await sink.close();
}
const only = (providers: Providers) => ({ providers, programId: world.x.id });

describe('enqueueing', () => {
	it('renders the template in the member’s language with their name, points and tier, and Persian digits', async () => {
		await world.earn(world.a.memberId, 120);
		const id = await enqueue(world.a.memberId, 'hello');
		const { rows } = await world.db.query(
			'select title, body from public.inbox_messages where message_id = $1',
			[id]
		);
		expect(rows).toEqual([{ title: 'سلام A', body: 'A عزیز، ۱۲۰ امتیاز دارید. سطح: Bronze' }]);
		await world.db.query(
			`insert into public.message_preferences (member_id, program_id, locale) values ($1, $2, 'en')`,
			[world.b.memberId, world.x.id]
		);
		const english = await enqueue(world.b.memberId, 'hello', { points: 7 });
		const { rows: en } = await world.db.query('select body from public.messages where id = $1', [
			english
		]);
		expect(en[0].body).toBe('Dear B, you have 7 points. Tier: Bronze');
	});

	it('is idempotent by dedupe key: a second call returns the first message and writes nothing', async () => {
		const key = `lottery:${randomUUID()}`;
		const first = await enqueue(world.a.memberId, 'hello', {}, key);
		const second = await enqueue(world.a.memberId, 'hello', { points: 999 }, key);
		expect(second).toBe(first);
		const { rows } = await world.db.query(
			`select (select count(*) from public.messages where dedupe_key = $1)::int as messages,
			        (select count(*) from public.inbox_messages where message_id = $2)::int as inbox,
			        (select count(*) from public.message_deliveries where message_id = $2)::int as deliveries`,
			[key, first]
		);
		expect(rows[0]).toEqual({ messages: 1, inbox: 1, deliveries: 2 });
	});

	it('refuses an unknown template or member and leaves nothing behind', async () => {
		const key = `bad:${randomUUID()}`;
		await expect(enqueue(world.a.memberId, 'nope', {}, key)).rejects.toThrow(
			'VAFA_TEMPLATE_NOT_FOUND'
		);
		await expect(enqueue(world.y.customer.memberId, 'hello', {}, key)).rejects.toThrow(
			'VAFA_MEMBER_NOT_FOUND'
		);
		const { rows } = await world.db.query(
			'select count(*)::int as n from public.messages where dedupe_key = $1',
			[key]
		);
		expect(rows[0].n).toBe(0);
	});

	it('skips the channels a member opted out of, and only those', async () => {
		await drain();
		const { error } = await world.a.client.rpc('set_message_preferences', {
			p_member_id: world.a.memberId,
			p_opted_out: ['sms']
		});
		expect(error).toBeNull();
		const other = await world.b.client.rpc('set_message_preferences', {
			p_member_id: world.a.memberId,
			p_opted_out: ['sms', 'inbox', 'push']
		});
		expect(other.error?.message).toBe('VAFA_MEMBER_NOT_FOUND');
		const id = await enqueue(world.a.memberId, 'hello');
		expect((await deliveries(id)).map((d) => [d.channel, d.status, d.last_error])).toEqual([
			['inbox', 'sent', null],
			['sms', 'skipped', 'opted_out']
		]);
		fake = await startFakeProvider(kavenegarBehaviour().reply);
		await dispatchOnce({
			rpc,
			...only({
				sms: { kavenegar: kavenegar({ apiKey: 'K', baseUrl: fake.url }, fast) },
				push: null,
				defaultSms: 'kavenegar'
			})
		});
		expect(fake.requests).toEqual([]);
		const back = await world.a.client.rpc('set_message_preferences', {
			p_member_id: world.a.memberId,
			p_opted_out: []
		});
		expect(back.error).toBeNull();
	});
});

/** Quiet hours around the current Tehran time in club X, so "now" is inside them. */
async function quietAroundNow() {
	const { rows } = await world.db.query(
		`select to_char(now() at time zone 'Asia/Tehran' - interval '1 hour', 'HH24:MI') as start,
			        to_char(now() at time zone 'Asia/Tehran' + interval '2 hours', 'HH24:MI') as "end"`
	);
	await world.db.query(
		`update public.programs set settings = settings || jsonb_build_object('quiet_hours', $2::jsonb) where id = $1`,
		[world.x.id, JSON.stringify(rows[0])]
	);
	return rows[0] as { start: string; end: string };
}

describe('quiet hours in the club’s timezone', () => {
	it('defers an SMS queued in quiet hours to their end, sends the inbox copy at once, and sends the SMS after', async () => {
		const quiet = await quietAroundNow();
		const id = await enqueue(world.a.memberId, 'hello');
		const [inbox, sms] = await deliveries(id);
		expect(inbox.status).toBe('sent');
		expect(sms.status).toBe('pending');
		const { rows } = await world.db.query(
			`select to_char($1::timestamptz at time zone 'Asia/Tehran', 'HH24:MI') as local`,
			[sms.not_before]
		);
		expect(rows[0].local).toBe(quiet.end);
		const kave = kavenegarBehaviour();
		fake = await startFakeProvider(kave.reply);
		const providers: Providers = {
			sms: { kavenegar: kavenegar({ apiKey: 'K', baseUrl: fake.url }, fast) },
			push: null,
			defaultSms: 'kavenegar'
		};
		await dispatchOnce({ rpc, ...only(providers) });
		expect(fake.requests).toEqual([]);
		await world.db.query(
			`update public.programs set settings = settings - 'quiet_hours' where id = $1`,
			[world.x.id]
		);
		await dispatchOnce({
			rpc,
			...only(providers),
			now: new Date(new Date(sms.not_before).getTime() + 60_000).toISOString()
		});
		expect(fake.requests.map((r) => r.form.localid)).toContain(
			(
				await world.db.query(
					`select id from public.message_deliveries where message_id = $1 and channel = 'sms'`,
					[id]
				)
			).rows[0].id
		);
		expect((await deliveries(id))[1].status).toBe('sent');
	});

	it('defers, at claim time, an SMS that became due while quiet hours began', async () => {
		const id = await enqueue(world.a.memberId, 'sms_only', { n: 1 });
		await quietAroundNow();
		fake = await startFakeProvider(kavenegarBehaviour().reply);
		const report = await dispatchOnce({
			rpc,
			...only({
				sms: { kavenegar: kavenegar({ apiKey: 'K', baseUrl: fake.url }, fast) },
				push: null,
				defaultSms: 'kavenegar'
			})
		});
		expect(report.claimed).toBe(0);
		expect(fake.requests).toEqual([]);
		const [sms] = await deliveries(id);
		expect(sms.status).toBe('pending');
		expect(new Date(sms.not_before).getTime()).toBeGreaterThan(Date.now());
	});
});

describe('opting out while a message waits', () => {
	it('skips a deferred SMS whose member opted out before it was due', async () => {
		await quietAroundNow();
		const id = await enqueue(world.b.memberId, 'sms_only', { n: 9 });
		const [sms] = await deliveries(id);
		expect(sms.status).toBe('pending');
		const { error } = await world.b.client.rpc('set_message_preferences', {
			p_member_id: world.b.memberId,
			p_opted_out: ['sms']
		});
		expect(error).toBeNull();
		await world.db.query(
			`update public.programs set settings = settings - 'quiet_hours' where id = $1`,
			[world.x.id]
		);
		fake = await startFakeProvider(kavenegarBehaviour().reply);
		await dispatchOnce({
			rpc,
			...only({
				sms: { kavenegar: kavenegar({ apiKey: 'K', baseUrl: fake.url }, fast) },
				push: null,
				defaultSms: 'kavenegar'
			}),
			now: new Date(new Date(sms.not_before).getTime() + 60_000).toISOString()
		});
		expect(fake.requests.filter((r) => r.form.message === 'پیام ۹')).toEqual([]);
		expect((await deliveries(id))[0]).toMatchObject({ status: 'skipped', last_error: 'opted_out' });
		await world.b.client.rpc('set_message_preferences', {
			p_member_id: world.b.memberId,
			p_opted_out: []
		});
	});
});

describe('exactly once under a crash between send and mark', () => {
	/** A dispatcher that dies right after the provider answered, before it could record it. */
	const crashingRpc: Rpc = (fn, args) => {
		if (fn === 'complete_delivery') throw new Error('killed between send and mark');
		return rpc(fn, args);
	};
	const later = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

	it('Kavenegar: the retry after the lease carries the same localid, so one SMS goes out and it is marked sent', async () => {
		const kave = kavenegarBehaviour();
		fake = await startFakeProvider(kave.reply);
		const providers: Providers = {
			sms: { kavenegar: kavenegar({ apiKey: 'K', baseUrl: fake.url }, fast) },
			push: null,
			defaultSms: 'kavenegar'
		};
		await drain();
		const id = await enqueue(world.b.memberId, 'sms_only', { n: 2 });
		await expect(dispatchOnce({ rpc: crashingRpc, ...only(providers) })).rejects.toThrow('killed');
		expect(fake.requests).toHaveLength(1);
		// Within the lease nobody touches it.
		expect((await dispatchOnce({ rpc, ...only(providers) })).claimed).toBe(0);
		await dispatchOnce({ rpc, ...only(providers), now: later(61) });
		expect(fake.requests).toHaveLength(2);
		expect(new Set(fake.requests.map((r) => r.form.localid)).size).toBe(1);
		expect(kave.delivered()).toBe(1);
		const [sms] = await deliveries(id);
		expect(sms).toMatchObject({
			status: 'sent',
			attempts: 2,
			provider: 'kavenegar',
			provider_ref: '8792343'
		});
		await dispatchOnce({ rpc, ...only(providers), now: later(600) });
		expect(fake.requests).toHaveLength(2);
	});

	it('Twilio, which cannot drop repeats: the delivery becomes unknown and is never sent again', async () => {
		fake = await startFakeProvider(twilioBehaviour());
		const providers: Providers = {
			sms: {
				twilio: twilio(
					{ accountSid: 'AC1', authToken: 't', from: '+15005550006', baseUrl: fake.url },
					fast
				)
			},
			push: null,
			defaultSms: 'twilio'
		};
		await drain();
		const id = await enqueue(world.b.memberId, 'sms_only', { n: 3 });
		await expect(dispatchOnce({ rpc: crashingRpc, ...only(providers) })).rejects.toThrow('killed');
		await dispatchOnce({ rpc, ...only(providers), now: later(61) });
		await dispatchOnce({ rpc, ...only(providers), now: later(3600) });
		expect(fake.requests).toHaveLength(1);
		const [sms] = await deliveries(id);
		expect(sms).toMatchObject({ status: 'unknown', attempts: 1, provider: 'twilio' });
		expect(sms.last_error).toMatch(/lease_expired/);
	});

	it('two dispatchers running at once send each message once', async () => {
		const kave = kavenegarBehaviour();
		fake = await startFakeProvider(kave.reply);
		const providers: Providers = {
			sms: { kavenegar: kavenegar({ apiKey: 'K', baseUrl: fake.url }, fast) },
			push: null,
			defaultSms: 'kavenegar'
		};
		await drain();
		const ids = await Promise.all(
			[4, 5, 6, 7, 8].map((n) => enqueue(world.a.memberId, 'sms_only', { n }))
		);
		const reports = await Promise.all([
			dispatchOnce({ rpc, ...only(providers) }),
			dispatchOnce({ rpc, ...only(providers) })
		]);
		expect(reports[0].sent + reports[1].sent).toBe(5);
		expect(fake.requests).toHaveLength(5);
		for (const id of ids) expect((await deliveries(id))[0].status).toBe('sent');
	});

	it('a manager may send an unknown delivery again; a customer may not', async () => {
		const { rows } = await world.db.query(
			`select d.id from public.message_deliveries d where d.program_id = $1 and d.status = 'unknown' limit 1`,
			[world.x.id]
		);
		const refused = await world.a.client.rpc('retry_delivery', { p_delivery_id: rows[0].id });
		expect(refused.error?.message).toBe('VAFA_DELIVERY_NOT_FOUND');
		const { data, error } = await world.x.manager.client.rpc('retry_delivery', {
			p_delivery_id: rows[0].id
		});
		expect(error).toBeNull();
		expect(data).toMatchObject({ status: 'pending' });
	});
});

describe('the deployed dispatch function', () => {
	it('delivers through the local stack’s outbox, and refuses anyone but the service role', async () => {
		const { url, serviceRoleKey, anonKey } = inject('stack');
		const id = await enqueue(world.a.memberId, 'sms_only', { n: 42 });
		const refused = await fetch(`${url}/functions/v1/dispatch`, {
			method: 'POST',
			headers: {
				apikey: anonKey,
				authorization: `Bearer ${(await world.a.client.auth.getSession()).data.session?.access_token}`
			},
			body: '{}'
		});
		expect(refused.status).toBe(403);
		const response = await fetch(`${url}/functions/v1/dispatch`, {
			method: 'POST',
			headers: {
				apikey: serviceRoleKey,
				authorization: `Bearer ${serviceRoleKey}`,
				'content-type': 'application/json'
			},
			body: JSON.stringify({ limit: 500 })
		});
		expect(response.status).toBe(200);
		expect((await response.json()).sent).toBeGreaterThanOrEqual(1);
		const [sms] = await deliveries(id);
		expect(sms).toMatchObject({ status: 'sent', provider: 'local' });
		const outbox = await fetch(
			`${url}/auth/v1/_local/outbox?to=${encodeURIComponent(world.a.phone)}`,
			{
				headers: { apikey: anonKey }
			}
		);
		const { messages } = await outbox.json();
		expect(messages.map((m: { body: string }) => m.body)).toContain('پیام ۴۲');
	});
});
