/**
 * The request handlers of the checkout and POS functions, on Web APIs only (no Deno globals), so
 * their index.ts files only wire them to Deno.serve with the service role's client.
 */
import { corsHeaders, json, refuse } from '../http.ts';
import { callerOf } from './caller.ts';
import { cardRef, phoneRef, type CardRef } from './card.ts';
import { failure, fromDbError } from './errors.ts';
import { checkout, context, lookup, memberView, type Rpc } from './flow.ts';
import {
	CheckoutBody,
	LookupBody,
	parse,
	PosMemberQuery,
	PosPurchaseBody,
	PosRefundBody,
	readJson
} from './request.ts';

const preflight = () => new Response(null, { status: 204, headers: corsHeaders });

/**
 * POST /checkout: a cashier (staff JWT) checks a member out, by the card or by the ticket of a
 * lookup. POST /checkout/lookup: the member behind a scan, and that ticket.
 */
export async function handleCheckout(request: Request, rpc: Rpc, now = () => new Date()) {
	if (request.method === 'OPTIONS') return preflight();
	if (request.method !== 'POST') return refuse(failure('VAFA_METHOD_NOT_ALLOWED', 'Use POST.'));
	const caller = callerOf(request.headers.get('authorization'));
	if (!caller.ok) return refuse(failure(caller.code, caller.message));
	const raw = await readJson(request);
	if (!raw.ok) return refuse(raw.failure);
	if (/\/lookup\/?$/.test(new URL(request.url).pathname)) {
		const body = parse(LookupBody, raw.value);
		if (!body.ok) return refuse(body.failure);
		const card = cardRef(body.value.card);
		if (!card.ok) return refuse(card.failure);
		const found = await lookup(rpc, {
			program: body.value.program,
			staff: caller.userId,
			card: card.value,
			now
		});
		return found.ok ? json(found.value) : refuse(found.failure);
	}
	const body = parse(CheckoutBody, raw.value);
	if (!body.ok) return refuse(body.failure);
	const card: ReturnType<typeof cardRef> = body.value.ticket
		? { ok: true, value: { kind: 'ticket', ref: body.value.ticket } }
		: cardRef(body.value.card ?? '');
	if (!card.ok) return refuse(card.failure);
	const { idempotency_key, ...rest } = body.value;
	const receipt = await checkout(rpc, {
		...rest,
		actor: caller.userId,
		staff: caller.userId,
		card: card.value,
		idempotencyKey: idempotency_key,
		request: rest,
		now
	});
	return receipt.ok ? json({ receipt: receipt.value }) : refuse(receipt.failure);
}

interface PosKey {
	program_id: string;
	key_id: string;
	actor: string | null;
	limit: number;
	remaining: number;
	reset_at: string;
}

const ROUTES: Record<string, string> = {
	purchases: 'POST',
	refunds: 'POST',
	members: 'GET'
};

/** /pos/purchases, /pos/refunds and /pos/members for point-of-sale systems, by API key. */
export async function handlePos(request: Request, rpc: Rpc, now = () => new Date()) {
	if (request.method === 'OPTIONS') return preflight();
	const url = new URL(request.url);
	const route = /\/pos\/([a-z]+)\/?$/.exec(url.pathname)?.[1] ?? '';
	if (!ROUTES[route])
		return refuse(
			failure('VAFA_NOT_FOUND', 'The POS API has /pos/purchases, /pos/refunds and /pos/members.')
		);
	if (request.method !== ROUTES[route])
		return refuse(failure('VAFA_METHOD_NOT_ALLOWED', `Use ${ROUTES[route]}.`));

	const auth = await rpc('pos_authenticate', {
		p_key: request.headers.get('x-vafa-pos-key') ?? ''
	});
	if (auth.error) return refuse(fromDbError(auth.error));
	const key = auth.data as PosKey;
	const response = await posRoute(route, request, url, rpc, key, now);
	response.headers.set('x-ratelimit-limit', String(key.limit));
	response.headers.set('x-ratelimit-remaining', String(key.remaining));
	response.headers.set('x-ratelimit-reset', key.reset_at);
	return response;
}

function memberCard(member: { phone: string } | { member_number: number }) {
	return 'phone' in member
		? phoneRef(member.phone)
		: {
				ok: true as const,
				value: { kind: 'number', ref: String(member.member_number) } satisfies CardRef
			};
}

async function posRoute(
	route: string,
	request: Request,
	url: URL,
	rpc: Rpc,
	key: PosKey,
	now: () => Date
): Promise<Response> {
	if (route === 'members') {
		const query = parse(PosMemberQuery, Object.fromEntries(url.searchParams));
		if (!query.ok) return refuse(query.failure);
		const card = memberCard(query.value);
		if (!card.ok) return refuse(card.failure);
		const ctx = await context(rpc, {
			program: key.program_id,
			posKeyId: key.key_id,
			card: card.value
		});
		return ctx.ok ? json(memberView(ctx.value)) : refuse(ctx.failure);
	}

	const raw = await readJson(request);
	if (!raw.ok) return refuse(raw.failure);
	if (route === 'refunds') {
		const body = parse(PosRefundBody, raw.value);
		if (!body.ok) return refuse(body.failure);
		const { data, error } = await rpc('pos_refund', {
			p_program_id: key.program_id,
			p_key_id: key.key_id,
			p_actor: key.actor,
			p_purchase_id: body.value.purchase_id ?? null,
			p_external_ref: body.value.external_ref ?? null,
			p_amount: body.value.amount,
			p_idempotency_key: body.value.idempotency_key
		});
		return error ? refuse(fromDbError(error)) : json({ refund: data });
	}

	const body = parse(PosPurchaseBody, raw.value);
	if (!body.ok) return refuse(body.failure);
	const card = memberCard(body.value.member);
	if (!card.ok) return refuse(card.failure);
	const { idempotency_key, member, ...rest } = body.value;
	const receipt = await checkout(rpc, {
		...rest,
		program: key.program_id,
		actor: key.actor,
		posKeyId: key.key_id,
		card: card.value,
		idempotencyKey: idempotency_key,
		request: { member, ...rest },
		now
	});
	return receipt.ok ? json({ receipt: receipt.value }) : refuse(receipt.failure);
}
