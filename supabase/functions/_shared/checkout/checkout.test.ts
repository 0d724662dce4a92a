import { deepStrictEqual, strictEqual } from 'node:assert/strict';
import { callerOf } from './caller.ts';
import { cardRef, phoneRef } from './card.ts';
import { fromDbError, statusOf } from './errors.ts';
import { accrue, NO_RULES, type Context } from './flow.ts';
import { CheckoutBody, LookupBody, parse } from './request.ts';

const token = (claims: object) =>
	`Bearer e30.${btoa(JSON.stringify(claims)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}.sig`;

Deno.test('a staff JWT names its user; the anon and service keys name nobody', () => {
	const sub = '11111111-1111-4111-8111-000000000002';
	deepStrictEqual(callerOf(token({ sub, role: 'authenticated' })), { ok: true, userId: sub });
	strictEqual(callerOf(token({ role: 'anon' })).ok, false);
	strictEqual(callerOf(token({ role: 'service_role' })).ok, false);
	deepStrictEqual(callerOf(null), {
		ok: false,
		code: 'VAFA_NOT_SIGNED_IN',
		message: 'Sign in as staff first.'
	});
});

Deno.test('codes map to statuses in one place, and unknown errors hide their internals', () => {
	strictEqual(statusOf('VAFA_FORBIDDEN'), 403);
	strictEqual(statusOf('VAFA_CARD_REPLAYED'), 409);
	strictEqual(statusOf('VAFA_RATE_LIMITED'), 429);
	strictEqual(statusOf('VAFA_INSUFFICIENT_FUNDS'), 422);
	deepStrictEqual(fromDbError({ message: 'VAFA_MEMBER_NOT_FOUND', details: 'No member.' }), {
		status: 404,
		code: 'VAFA_MEMBER_NOT_FOUND',
		message: 'No member.'
	});
	strictEqual(fromDbError({ message: 'relation "x" does not exist' }).code, 'VAFA_INTERNAL');
});

Deno.test('a phone without its country code is read in every club country', () => {
	// Both readings are possible numbers; the database takes the one of the club's country.
	deepStrictEqual(phoneRef('۰۹۱۲ ۰۰۰ ۰۰۰۱'), {
		ok: true,
		value: {
			kind: 'phone',
			ref: '+989120000001',
			byCountry: { IR: '+989120000001', IL: '+9729120000001' }
		}
	});
	deepStrictEqual(phoneRef('+972 52 123 4567'), {
		ok: true,
		value: { kind: 'phone', ref: '+972521234567' }
	});
	deepStrictEqual(cardRef('1001-482913'), {
		ok: true,
		value: { kind: 'fallback', ref: '1001', code: '482913' }
	});
});

Deno.test('a club without rules earns nothing, and the receipt says why', () => {
	const ctx = { rules: null } as unknown as Context;
	deepStrictEqual(accrue(ctx, { amount: 100, at: new Date() }), {
		ok: true,
		value: { lines: [NO_RULES], referrer: [], gifts: [], total: 0, capped: false, version: null }
	});
});

Deno.test(
	'a checkout names the member by the card or by a lookup’s ticket, exactly one of them',
	() => {
		const base = { program: 'cafe-vafa', amount: 1000, idempotency_key: 'k-12345678' };
		const ticket = '3f2c9a1e-7b4d-4c8e-9a0b-5d6e7f8a9b0c';
		strictEqual(parse(CheckoutBody, { ...base, card: '+989120000001' }).ok, true);
		strictEqual(parse(CheckoutBody, { ...base, ticket }).ok, true);
		strictEqual(parse(CheckoutBody, base).ok, false);
		strictEqual(parse(CheckoutBody, { ...base, ticket, card: '+989120000001' }).ok, false);
		strictEqual(parse(CheckoutBody, { ...base, ticket: 'not-a-ticket' }).ok, false);
		strictEqual(parse(LookupBody, { program: 'cafe-vafa', card: '1001-123456' }).ok, true);
		strictEqual(
			parse(LookupBody, { program: 'cafe-vafa', card: '1001-123456', amount: 5 }).ok,
			false
		);
	}
);
