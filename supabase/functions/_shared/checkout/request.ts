/** The bodies the checkout and POS functions accept, validated with zod; problems come back as values. */
import { z } from 'npm:zod@3';
import { failure, type Failure } from './errors.ts';

const MAX_AMOUNT = 1_000_000_000_000_000;

/** A whole amount in the club currency's minor units. */
const amount = z.number().int('Amounts are whole minor units.').positive().max(MAX_AMOUNT);

const lines = z
	.array(
		z
			.object({
				amount: z.number().int('Amounts are whole minor units.').min(0).max(MAX_AMOUNT),
				category: z.string().trim().min(1).max(60).optional(),
				sku: z.string().trim().min(1).max(100).optional(),
				quantity: z.number().positive().max(1_000_000).optional()
			})
			.strict()
	)
	.min(1)
	.max(500);

/** Sub-operations add a suffix of up to 20 characters, and the ledger takes keys up to 200. */
const idempotencyKey = z
	.string()
	.min(8, 'An idempotency key has 8 to 180 characters.')
	.max(180, 'An idempotency key has 8 to 180 characters.');

const redemptionCode = z
	.string()
	.trim()
	.toUpperCase()
	.regex(/^[2-9A-HJKMNP-Z]{8}$/, 'A redemption code is 8 letters and digits.');

const program = z.string().trim().min(1).max(100).describe('The club: its id or slug.');
const card = z
	.string()
	.min(1)
	.max(100)
	.describe('A QR payload, member number + typed code, or a phone.');

export const CheckoutBody = z
	.object({
		program,
		card: card.optional(),
		ticket: z
			.string()
			.uuid('A ticket is the id a lookup returned.')
			.optional()
			.describe('What POST /checkout/lookup returned for the scan, instead of the card.'),
		amount,
		lines: lines.optional(),
		redeem: z
			.array(redemptionCode)
			.max(10)
			.refine((codes) => new Set(codes).size === codes.length, 'Each code is used once.')
			.optional(),
		wallet_spend: amount.optional(),
		wallet_topup: amount.optional(),
		points_spend: amount.optional(),
		idempotency_key: idempotencyKey
	})
	.strict()
	.refine((body) => (body.card === undefined) !== (body.ticket === undefined), {
		message: 'Send the card, or the ticket of a lookup, one of them.',
		path: ['card']
	});
export type CheckoutBody = z.output<typeof CheckoutBody>;

/** POST /checkout/lookup: who is behind a scanned QR, a typed code or a phone. */
export const LookupBody = z.object({ program, card }).strict();
export type LookupBody = z.output<typeof LookupBody>;

const memberRef = z.union([
	z.object({ phone: z.string().trim().min(4).max(30) }).strict(),
	z.object({ member_number: z.number().int().positive().max(999_999_999_999) }).strict()
]);

export const PosPurchaseBody = z
	.object({
		member: memberRef,
		amount,
		lines: lines.optional(),
		external_ref: z.string().trim().min(1).max(200).optional(),
		idempotency_key: idempotencyKey
	})
	.strict();
export type PosPurchaseBody = z.output<typeof PosPurchaseBody>;

export const PosRefundBody = z
	.object({
		purchase_id: z.string().uuid().optional(),
		external_ref: z.string().trim().min(1).max(200).optional(),
		amount,
		idempotency_key: idempotencyKey
	})
	.strict()
	.refine((body) => (body.purchase_id === undefined) !== (body.external_ref === undefined), {
		message: 'Name the purchase by purchase_id or by external_ref, one of them.',
		path: ['purchase_id']
	});
export type PosRefundBody = z.output<typeof PosRefundBody>;

export const PosMemberQuery = z.union([
	z.object({ phone: z.string().trim().min(4).max(30) }).strict(),
	z.object({ member_number: z.coerce.number().int().positive().max(999_999_999_999) }).strict()
]);
export type PosMemberQuery = z.output<typeof PosMemberQuery>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; failure: Failure };

/** Validates `input`; a failure is a 400 VAFA_INVALID_REQUEST listing every problem by path. */
export function parse<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, input: unknown): Parsed<T> {
	const result = schema.safeParse(input);
	if (result.success) return { ok: true, value: result.data };
	const issues = result.error.issues.map((issue) => ({
		path: issue.path.join('.'),
		message: issue.message
	}));
	const first = issues[0];
	return {
		ok: false,
		failure: failure(
			'VAFA_INVALID_REQUEST',
			`The request is not valid; ${first.path || 'body'}: ${first.message}`,
			{ issues }
		)
	};
}

/** Reads a JSON body; anything that is not JSON is a 400 with the same code. */
export async function readJson(request: Request): Promise<Parsed<unknown>> {
	try {
		return { ok: true, value: await request.json() };
	} catch {
		return {
			ok: false,
			failure: failure('VAFA_INVALID_REQUEST', 'Send a JSON body (content-type: application/json).')
		};
	}
}
