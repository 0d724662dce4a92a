/**
 * The checkout, shared by the cashier's function and the POS API: one read of everything the
 * rules need, the card check and the rules here, then one transaction in the database.
 */
import { evaluate, validateLines, type Evaluation, type PurchaseLine } from '../rules/engine.ts';
import { parseRuleSet } from '../rules/schema.ts';
import { verifyCard, type CardRef } from './card.ts';
import { failure, fromDbError, type Failure } from './errors.ts';

type DbResult = { data: unknown; error: { message?: string; details?: string | null } | null };
/** Calls a database function as the service role (supabase-js `rpc`). */
export type Rpc = (fn: string, args: Record<string, unknown>) => PromiseLike<DbResult>;

export type Outcome<T> = { ok: true; value: T } | { ok: false; failure: Failure };

export interface Balances {
	points: number;
	wallet: number;
}

export interface ContextMember {
	id: string;
	member_number: number;
	display_name: string | null;
	tier: { rank: number; name: string | null; multiplier: number };
	visit_count: number;
	birthday: string | null;
	first_purchase: boolean;
	referred_by: string | null;
	points_earned_today: number;
	birthday_bonus_at: string | null;
	balances: Balances;
}

export interface Context {
	role: string;
	replay?: Receipt;
	program: { id: string; locale: 'fa' | 'he' | 'en'; timezone: string; currency: string };
	member: ContextMember;
	secret: string | null;
	rules: { version: number; rules: unknown; effective_from: string } | null;
}

export interface Receipt {
	purchase_id: string;
	points_earned: number;
	lines: { points: number; reason_key: string; reason_params: Record<string, unknown> }[];
	balances: Balances;
	[field: string]: unknown;
}

export interface CheckoutInput {
	/** The club's id or slug. */
	program: string;
	/** Who acts: the cashier, or the creator of the POS key. */
	actor: string | null;
	/** The staff member to check (the cashier's checkout), or the POS key that authenticated. */
	staff?: string;
	posKeyId?: string;
	card: CardRef;
	amount: number;
	lines?: PurchaseLine[];
	redeem?: string[];
	wallet_spend?: number;
	wallet_topup?: number;
	points_spend?: number;
	external_ref?: string;
	idempotencyKey: string;
	/** What the client sent, compared on a replay of its key. */
	request: Record<string, unknown>;
	now: () => Date;
}

/** The reason a purchase earns nothing when the club has no earning rules yet. */
export const NO_RULES = { points: 0, reason_key: 'rule.none', reason_params: {} };

/** A concurrent checkout of the same member moved them on; evaluating again is enough. */
const ATTEMPTS = 3;

async function call<T>(rpc: Rpc, fn: string, args: Record<string, unknown>): Promise<Outcome<T>> {
	const { data, error } = await rpc(fn, args);
	if (error) return { ok: false, failure: fromDbError(error) };
	return { ok: true, value: data as T };
}

/** Reads the member, the club and the rules behind a card, checking who asks. */
export function context(
	rpc: Rpc,
	input: Pick<CheckoutInput, 'program' | 'staff' | 'posKeyId' | 'card'> & {
		idempotencyKey?: string;
		request?: Record<string, unknown>;
	}
): Promise<Outcome<Context>> {
	return call<Context>(rpc, 'checkout_context', {
		p_program: input.program,
		p_staff: input.staff ?? null,
		p_card_kind: input.card.kind,
		p_card_ref: input.card.ref,
		p_idempotency_key: input.idempotencyKey ?? null,
		p_request: input.request ?? null,
		p_pos_key_id: input.posKeyId ?? null,
		p_phone_by_country: input.card.kind === 'phone' ? (input.card.byCountry ?? null) : null
	});
}

/** The rules in force applied to the purchase: the lines to credit, with a reason for every point. */
export function accrue(
	ctx: Context,
	purchase: { amount: number; lines?: PurchaseLine[]; at: Date }
): Outcome<Evaluation & { version: number | null }> {
	if (!ctx.rules)
		return {
			ok: true,
			value: { lines: [NO_RULES], referrer: [], gifts: [], total: 0, capped: false, version: null }
		};
	const rules = parseRuleSet(ctx.rules.rules);
	if (!rules.ok)
		return {
			ok: false,
			failure: failure(
				'VAFA_RULES_INVALID',
				`The club's earning rules (version ${ctx.rules.version}) are not valid; a manager must save them again.`
			)
		};
	const { member } = ctx;
	const evaluation = evaluate({
		purchase,
		member: {
			tierRank: member.tier.rank,
			tierMultiplier: Number(member.tier.multiplier),
			visitCount: member.visit_count,
			birthday: member.birthday,
			firstPurchase: member.first_purchase,
			referredBy: member.referred_by,
			pointsEarnedToday: Number(member.points_earned_today),
			birthdayBonusAt: member.birthday_bonus_at
		},
		club: { timezone: ctx.program.timezone, locale: ctx.program.locale },
		rules: rules.rules,
		version: ctx.rules.version
	});
	return { ok: true, value: { ...evaluation, version: ctx.rules.version } };
}

/**
 * Runs a checkout end to end and returns its receipt. A replayed key returns the first receipt
 * unchanged; any refusal leaves the ledger as it was.
 */
export async function checkout(rpc: Rpc, input: CheckoutInput): Promise<Outcome<Receipt>> {
	const lines = validateLines(input.amount, input.lines);
	if (!lines.ok) return { ok: false, failure: failure(lines.code, lines.message) };
	for (let attempt = 1; ; attempt++) {
		const ctx = await context(rpc, input);
		if (!ctx.ok) return ctx;
		if (ctx.value.replay) return { ok: true, value: ctx.value.replay };
		const now = input.now();
		const step = await verifyCard(input.card, ctx.value.secret, now);
		if (!step.ok) return step;
		const accrual = accrue(ctx.value, { amount: input.amount, lines: input.lines, at: now });
		if (!accrual.ok) return accrual;
		const applied = await call<Receipt>(rpc, 'checkout_apply', {
			p: {
				program_id: ctx.value.program.id,
				member_id: ctx.value.member.id,
				actor: input.actor,
				pos_key_id: input.posKeyId ?? null,
				idempotency_key: input.idempotencyKey,
				request: input.request,
				visit_count: ctx.value.member.visit_count,
				card: { kind: input.card.kind, step: step.value },
				amount: input.amount,
				lines: input.lines ?? [],
				external_ref: input.external_ref ?? null,
				accrual: accrual.value.lines,
				referrer_accrual: accrual.value.referrer,
				gifts: accrual.value.gifts,
				capped: accrual.value.capped,
				rule_version: accrual.value.version,
				redeem: input.redeem ?? [],
				wallet_spend: input.wallet_spend ?? null,
				points_spend: input.points_spend ?? null,
				wallet_topup: input.wallet_topup ?? null
			}
		});
		if (applied.ok || applied.failure.code !== 'VAFA_CHECKOUT_STALE' || attempt >= ATTEMPTS)
			return applied;
	}
}

/** A member as a till sees them. */
export function memberView(ctx: Context) {
	const { member } = ctx;
	return {
		member_id: member.id,
		member_number: member.member_number,
		display_name: member.display_name,
		tier: { rank: member.tier.rank, name: member.tier.name },
		balances: member.balances
	};
}

export interface Lookup extends ReturnType<typeof memberView> {
	/** Names this scan in the checkout that follows, instead of the card. */
	ticket: string;
	expires_at: string;
}

/**
 * Checks a scanned QR, a typed code or a phone once, at the scan: the code's step is claimed now,
 * and the ticket lets this staff member check the member out for a few minutes after.
 */
export async function lookup(
	rpc: Rpc,
	input: { program: string; staff: string; card: CardRef; now: () => Date }
): Promise<Outcome<Lookup>> {
	const ctx = await context(rpc, input);
	if (!ctx.ok) return ctx;
	const step = await verifyCard(input.card, ctx.value.secret, input.now());
	if (!step.ok) return step;
	const ticket = await call<{ ticket: string; expires_at: string }>(rpc, 'checkout_ticket', {
		p_program_id: ctx.value.program.id,
		p_member_id: ctx.value.member.id,
		p_staff: input.staff,
		p_card_kind: input.card.kind,
		p_step: step.value
	});
	if (!ticket.ok) return ticket;
	return { ok: true, value: { ...memberView(ctx.value), ...ticket.value } };
}
