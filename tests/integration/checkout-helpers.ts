/**
 * Shared pieces of the checkout and POS specs: calls through the gateway as a person, a POS key or
 * nobody, members with a live rotating card, and the rule set most cases use.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { inject } from 'vitest';
import {
	cardPayload,
	decodeSecret,
	fallbackCode,
	stepAt
} from '../../supabase/functions/_shared/qr';
import { newCustomer, ok, type Customer } from './ledger-helpers';
import type { World } from './world';

/** 1 point per 1000, a first-purchase bonus of 50: a 20 000 purchase earns 20 (+50 the first time). */
export const RULES = { base: { points: 1, per: 1000 }, first_purchase: { points: 50 } };

export interface Answer {
	status: number;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	body: any;
	headers: Headers;
}

/** The access token of a signed-in client. */
export async function tokenOf(client: SupabaseClient): Promise<string> {
	const { data } = await client.auth.getSession();
	if (!data.session) throw new Error('the client is not signed in');
	return data.session.access_token;
}

/**
 * Calls a function through the gateway. `as` is a signed-in client (its JWT), a raw bearer token,
 * or null for no Authorization header; the anon key goes in `apikey` as the app sends it.
 */
export async function call(
	path: string,
	options: {
		as?: SupabaseClient | string | null;
		/** Leave out the `apikey` header too (the gateway reads a lone apikey as the bearer). */
		bare?: boolean;
		method?: string;
		body?: unknown;
		raw?: string;
		headers?: Record<string, string>;
	} = {}
): Promise<Answer> {
	const { url, anonKey } = inject('stack');
	const headers: Record<string, string> = {
		...(options.bare ? {} : { apikey: anonKey }),
		...options.headers
	};
	if (options.as) {
		headers.authorization = `Bearer ${typeof options.as === 'string' ? options.as : await tokenOf(options.as)}`;
	}
	if (options.body !== undefined || options.raw !== undefined)
		headers['content-type'] = 'application/json';
	const response = await fetch(`${url}/functions/v1/${path}`, {
		method: options.method ?? (options.body !== undefined || options.raw ? 'POST' : 'GET'),
		headers,
		body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body))
	});
	const text = await response.text();
	return {
		status: response.status,
		body: text ? JSON.parse(text) : null,
		headers: response.headers
	};
}

/** A new member of club X whose app holds a card secret, to draw rotating codes with. */
export async function cardHolder(world: World): Promise<Customer & { secret: Uint8Array }> {
	const customer = await newCustomer(world);
	const issued = ok(
		await customer.client.rpc('issue_card_secret', { p_member_id: customer.memberId })
	);
	return { ...customer, secret: decodeSecret(issued.secret) };
}

/** The QR payload a card shows `offsetSteps` steps from now. */
export function qrOf(holder: { memberId: string; secret: Uint8Array }, offsetSteps = 0) {
	return cardPayload(holder.memberId, holder.secret, new Date(Date.now() + offsetSteps * 30_000));
}

/** The typed fallback (member number and 6-digit code) for the current step. */
export async function typedCodeOf(
	world: World,
	holder: { memberId: string; secret: Uint8Array }
): Promise<string> {
	const { rows } = await world.db.query('select member_number from public.members where id = $1', [
		holder.memberId
	]);
	return `${rows[0].member_number}-${await fallbackCode(holder.secret, stepAt(new Date()))}`;
}

/** What the ledger holds about a purchase: its points, payments, and who recorded its entries. */
export async function purchaseFacts(world: World, purchaseId: string) {
	const { rows } = await world.db.query(
		`select p.recorded_by, p.points_earned::int, p.wallet_paid::int, p.points_paid::int,
		   (select coalesce(sum(e.amount), 0)::int from public.ledger_entries e
		     where e.purchase_id = p.id and e.kind = 'earn') as earned,
		   (select array_agg(distinct e.actor::text) from public.ledger_entries e
		     where e.purchase_id = p.id) as actors
		 from public.purchases p where p.id = $1`,
		[purchaseId]
	);
	return rows[0];
}
