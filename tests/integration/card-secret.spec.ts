/**
 * POST /functions/v1/card-secret through the stack: a customer gets (and rotates) the secret of
 * their own card only, and nobody but the service role reads a secret back.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
	cardPayload,
	decodeSecret,
	parseCard,
	verifyQr,
	type ParsedCard
} from '../../supabase/functions/_shared/qr.ts';
import { createWorld, type World } from './world';

let world: World;
beforeAll(async () => {
	world = await createWorld();
});
afterAll(() => world.end());

/** Calls the function; a non-2xx answer comes back as its status and body instead of throwing. */
async function issue(client: SupabaseClient, body: unknown) {
	const { data, error } = await client.functions.invoke('card-secret', { body: body as object });
	if (!error) return { status: 200, body: data };
	const response = (error as { context?: Response }).context;
	if (!response) throw error;
	return { status: response.status, body: await response.json() };
}

async function serverSecret(memberId: string): Promise<string | null> {
	const { data, error } = await world.service.rpc('card_secret_for', { p_member_id: memberId });
	expect(error).toBeNull();
	return data;
}

async function scan(memberId: string, secret: string, at = new Date()) {
	const card = parseCard(await cardPayload(memberId, decodeSecret(secret), at));
	expect(card?.kind).toBe('qr');
	return card as Extract<ParsedCard, { kind: 'qr' }>;
}

describe('a customer asking for their card’s secret', () => {
	it('gets 32 random bytes, the same the checkout reads back, and codes drawn with it verify', async () => {
		const { status, body } = await issue(world.a.client, { member_id: world.a.memberId });
		expect(status).toBe(200);
		expect(body).toMatchObject({ member_id: world.a.memberId, step_seconds: 30 });
		expect(decodeSecret(body.secret)).toHaveLength(32);
		expect(new Date(body.issued_at).getTime()).toBeGreaterThan(Date.now() - 60_000);

		const stored = await serverSecret(world.a.memberId);
		expect(stored).toBe(body.secret);
		const card = await scan(world.a.memberId, body.secret);
		expect(await verifyQr(card, decodeSecret(stored!), new Date())).toMatchObject({ ok: true });
	});

	it('rotates it on every call, so a code from the earlier device no longer verifies', async () => {
		const first = await issue(world.a.client, { member_id: world.a.memberId });
		const oldCard = await scan(world.a.memberId, first.body.secret);
		const second = await issue(world.a.client, { member_id: world.a.memberId });
		expect(second.status).toBe(200);
		expect(second.body.secret).not.toBe(first.body.secret);

		const stored = decodeSecret((await serverSecret(world.a.memberId))!);
		expect(await verifyQr(oldCard, stored, new Date())).toEqual({
			ok: false,
			code: 'VAFA_CARD_FORGED'
		});
		const newCard = await scan(world.a.memberId, second.body.secret);
		expect(await verifyQr(newCard, stored, new Date())).toMatchObject({ ok: true });
		const { rows } = await world.db.query(
			'select rotated_at is not null as rotated from private.card_secrets where member_id = $1',
			[world.a.memberId]
		);
		expect(rows).toEqual([{ rotated: true }]);
	});

	it('is told 404 for another customer’s card, which keeps its secret', async () => {
		await issue(world.a.client, { member_id: world.a.memberId });
		const before = await serverSecret(world.a.memberId);
		const { status, body } = await issue(world.b.client, { member_id: world.a.memberId });
		expect(status).toBe(404);
		expect(body.code).toBe('VAFA_MEMBER_NOT_FOUND');
		expect(body).not.toHaveProperty('secret');
		expect(await serverSecret(world.a.memberId)).toBe(before);
	});

	it('is told 404 for a card of another club’s customer and for a card that does not exist', async () => {
		for (const memberId of [world.y.customer.memberId, crypto.randomUUID()]) {
			const { status, body } = await issue(world.a.client, { member_id: memberId });
			expect(status).toBe(404);
			expect(body.code).toBe('VAFA_MEMBER_NOT_FOUND');
		}
		expect(await serverSecret(world.y.customer.memberId)).toBeNull();
	});

	it('is told 400 with a code for a malformed body', async () => {
		for (const body of [{}, { member_id: 42 }, { member_id: 'not-a-uuid' }, 'member_id', [1]]) {
			const answer = await issue(world.a.client, body);
			expect(answer.status, JSON.stringify(body)).toBe(400);
			expect(answer.body).toEqual({ code: 'VAFA_INVALID_REQUEST', message: expect.any(String) });
		}
		const { url, anonKey } = inject('stack');
		const session = await world.a.client.auth.getSession();
		const response = await fetch(`${url}/functions/v1/card-secret`, {
			method: 'POST',
			headers: {
				apikey: anonKey,
				authorization: `Bearer ${session.data.session!.access_token}`,
				'content-type': 'application/json'
			},
			body: '{"member_id":'
		});
		expect(response.status).toBe(400);
		expect((await response.json()).code).toBe('VAFA_INVALID_REQUEST');
	});

	it('gets the secret with no-store, so no cache keeps it', async () => {
		const { url, anonKey } = inject('stack');
		const session = await world.a.client.auth.getSession();
		const response = await fetch(`${url}/functions/v1/card-secret`, {
			method: 'POST',
			headers: {
				apikey: anonKey,
				authorization: `Bearer ${session.data.session!.access_token}`,
				'content-type': 'application/json'
			},
			body: JSON.stringify({ member_id: world.a.memberId })
		});
		expect(response.status).toBe(200);
		expect(response.headers.get('cache-control')).toBe('no-store');
	});
});

describe('someone not signed in', () => {
	it('is told 401 by the function and cannot call issue_card_secret at all', async () => {
		const { status, body } = await issue(world.anon, { member_id: world.a.memberId });
		expect(status).toBe(401);
		expect(body.code).toBe('VAFA_NOT_SIGNED_IN');
		const { url } = inject('stack');
		const bare = await fetch(`${url}/functions/v1/card-secret`, {
			method: 'POST',
			body: JSON.stringify({ member_id: world.a.memberId })
		});
		expect(bare.status).toBe(401);
		const { error } = await world.anon.rpc('issue_card_secret', { p_member_id: world.a.memberId });
		expect(error).toMatchObject({ code: '42501' });
	});
});

describe('the secret store', () => {
	it('cannot be read by a customer through the API, not even their own secret', async () => {
		await issue(world.a.client, { member_id: world.a.memberId });
		const table = await world.a.client.schema('private').from('card_secrets').select('*');
		expect(table.data).toBeNull();
		expect(table.error).toBeTruthy();
		const rpc = await world.a.client.rpc('card_secret_for', { p_member_id: world.a.memberId });
		expect(rpc.error).toMatchObject({
			code: '42501',
			message: 'permission denied for function card_secret_for'
		});
		expect(rpc.data).toBeNull();
	});

	it('grants no API role anything on the tables behind it', async () => {
		const { rows } = await world.db.query(
			`select t, r from unnest(array['private.card_secrets', 'private.card_step_uses']) t,
			   unnest(array['anon', 'authenticated', 'service_role']) r
			 where has_table_privilege(r, t, 'select, insert, update, delete, truncate')`
		);
		expect(rows).toEqual([]);
		const rls = await world.db.query(
			`select relname from pg_class where oid in ('private.card_secrets'::regclass, 'private.card_step_uses'::regclass) and not relrowsecurity`
		);
		expect(rls.rows).toEqual([]);
	});

	it('forgets a card’s secret when the membership is deleted', async () => {
		const { rows } = await world.db.query(
			`insert into public.members (program_id, user_id, member_number) values ($1, $2, 99) returning id`,
			[world.y.id, world.a.id]
		);
		const memberId = rows[0].id as string;
		expect((await issue(world.a.client, { member_id: memberId })).status).toBe(200);
		await world.db.query('delete from public.members where id = $1', [memberId]);
		expect(await serverSecret(memberId)).toBeNull();
	});
});

describe('my_card_fingerprints', () => {
	const sha = async (secret: string) => {
		const { createHash } = await import('node:crypto');
		return createHash('sha256').update(decodeSecret(secret)).digest('hex').slice(0, 16);
	};

	it('gives the caller each of their cards with the first 8 bytes of SHA-256 of its current secret', async () => {
		const first = await issue(world.a.client, { member_id: world.a.memberId });
		const before = await world.a.client.rpc('my_card_fingerprints');
		expect(before.error).toBeNull();
		expect(before.data).toEqual({ [world.a.memberId]: await sha(first.body.secret) });

		// Another device asks for the card: the fingerprint moves with the secret.
		const second = await issue(world.a.client, { member_id: world.a.memberId });
		const after = await world.a.client.rpc('my_card_fingerprints');
		expect(after.data).toEqual({ [world.a.memberId]: await sha(second.body.secret) });
		expect(after.data[world.a.memberId]).not.toBe(before.data[world.a.memberId]);
	});

	it('lists a card without a secret as null, and nobody else’s cards', async () => {
		const { data, error } = await world.b.client.rpc('my_card_fingerprints');
		expect(error).toBeNull();
		expect(Object.keys(data)).toEqual([world.b.memberId]);
		expect(data[world.b.memberId]).toBeNull();
		expect(await world.x.owner.client.rpc('my_card_fingerprints')).toMatchObject({ data: {} });
	});

	it('is not callable anonymously', async () => {
		const { error } = await world.anon.rpc('my_card_fingerprints');
		expect(error?.message).toMatch(/permission denied/);
	});
});
