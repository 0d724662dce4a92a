import { getSupabase } from '$lib/supabase/lazy';

/** A member found at the counter, with the ticket that checks them out. */
export interface Scan {
	memberId: string;
	memberNumber: number;
	name: string | null;
	tier: { rank: number; name: string | null };
	balances: { points: number; wallet: number };
	ticket: string;
	expiresAt: string;
}

/** What the checkout function returns, as the receipt shows it. */
export interface Receipt {
	purchaseId: string;
	amount: number;
	pointsEarned: number;
	lines: { points: number; reasonKey: string; reasonParams: Record<string, unknown> }[];
	redeemed: { code: string; reward: string | null }[];
	gifts: { name: string | null; status: string; code: string | null }[];
	paidWallet: number;
	paidPoints: number;
	topup: number;
	balances: { points: number; wallet: number };
	tierName: string | null;
	recordedAt: string;
}

/** A purchase of the member, for refunds. */
export interface Purchase {
	id: string;
	amount: number;
	refunded: number;
	pointsEarned: number;
	occurredAt: string;
}

export interface CheckoutRequest {
	program: string;
	ticket: string;
	amount: number;
	redeem?: string[];
	walletSpend?: number;
	pointsSpend?: number;
	idempotencyKey: string;
}

/** A stable `VAFA_…` code from the server, or `network` (no answer) or `unknown`. */
export type CashierResult<T> = { ok: true; value: T } | { ok: false; problem: string };

type Invoke = (
	supabase: Awaited<ReturnType<typeof getSupabase>>
) => PromiseLike<{ data: unknown; error: unknown }>;

/** The stable code inside an error from supabase-js: a PostgREST error or a function's `{ code }`. */
async function problemOf(error: unknown): Promise<string> {
	const e = error as { name?: string; message?: string; code?: string; context?: unknown };
	if (e.name === 'FunctionsHttpError' && e.context instanceof Response) {
		const body = await e.context.json().catch(() => null);
		return typeof body?.code === 'string' ? body.code : 'unknown';
	}
	if (e.name === 'FunctionsFetchError' || e.name === 'FunctionsRelayError') return 'network';
	if (typeof e.message === 'string' && /^VAFA_[A-Z_]+$/.test(e.message)) return e.message;
	return e.code ? 'unknown' : 'network';
}

async function run<T>(call: Invoke, map: (data: unknown) => T): Promise<CashierResult<T>> {
	if (!navigator.onLine) return { ok: false, problem: 'network' };
	try {
		const { data, error } = await call(await getSupabase());
		if (error) return { ok: false, problem: await problemOf(error) };
		return { ok: true, value: map(data) };
	} catch {
		return { ok: false, problem: 'network' };
	}
}

/* eslint-disable @typescript-eslint/no-explicit-any -- rows as the server sends them */
function toReceipt(data: any): Receipt {
	const r = data.receipt;
	return {
		purchaseId: r.purchase_id,
		amount: Number(r.amount),
		pointsEarned: Number(r.points_earned),
		lines: (r.lines ?? []).map((l: any) => ({
			points: Number(l.points),
			reasonKey: l.reason_key,
			reasonParams: l.reason_params ?? {}
		})),
		redeemed: (r.redemptions_used ?? []).map((u: any) => ({
			code: u.code,
			reward: u.reward?.name ?? null
		})),
		gifts: (r.gifts ?? []).map((g: any) => ({
			name: g.name ?? null,
			status: g.status,
			code: g.code ?? null
		})),
		paidWallet: Number(r.payments?.wallet ?? 0),
		paidPoints: Number(r.payments?.points ?? 0),
		topup: Number(r.wallet_topup ?? 0),
		balances: { points: Number(r.balances.points), wallet: Number(r.balances.wallet) },
		tierName: r.tier?.name ?? null,
		recordedAt: r.recorded_at
	};
}

function toScan(data: any): Scan {
	return {
		memberId: data.member_id,
		memberNumber: Number(data.member_number),
		name: data.display_name ?? null,
		tier: { rank: Number(data.tier?.rank ?? 0), name: data.tier?.name ?? null },
		balances: { points: Number(data.balances.points), wallet: Number(data.balances.wallet) },
		ticket: data.ticket,
		expiresAt: data.expires_at
	};
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/**
 * The counter: the checkout function (lookup, then checkout by its ticket) and the ledger
 * functions a cashier may call (`wallet_topup`, `refund_purchase`), with the caller's session.
 */
export const cashier = {
	/** The member behind a scanned QR payload, a typed code or a phone number. */
	lookup(program: string, card: string): Promise<CashierResult<Scan>> {
		return run(
			(supabase) => supabase.functions.invoke('checkout/lookup', { body: { program, card } }),
			toScan
		);
	},

	/** Records the purchase and everything paid or redeemed with it, once per idempotency key. */
	checkout(request: CheckoutRequest): Promise<CashierResult<Receipt>> {
		return run(
			(supabase) =>
				supabase.functions.invoke('checkout', {
					body: {
						program: request.program,
						ticket: request.ticket,
						amount: request.amount,
						redeem: request.redeem?.length ? request.redeem : undefined,
						wallet_spend: request.walletSpend || undefined,
						points_spend: request.pointsSpend || undefined,
						idempotency_key: request.idempotencyKey
					}
				}),
			toReceipt
		);
	},

	/** Adds money to the member's wallet; the new balances. */
	topup(
		memberId: string,
		amount: number,
		idempotencyKey: string
	): Promise<CashierResult<Scan['balances']>> {
		return run(
			(supabase) =>
				supabase.rpc('wallet_topup', {
					p_member_id: memberId,
					p_amount: amount,
					p_idempotency_key: idempotencyKey
				}),
			(data) => {
				const balances = (data as { balances: Scan['balances'] }).balances;
				return { points: Number(balances.points), wallet: Number(balances.wallet) };
			}
		);
	},

	/** Refunds part or all of a purchase; points come back out in proportion. */
	refund(
		purchaseId: string,
		amount: number,
		idempotencyKey: string
	): Promise<CashierResult<Scan['balances']>> {
		return run(
			(supabase) =>
				supabase.rpc('refund_purchase', {
					p_purchase_id: purchaseId,
					p_amount: amount,
					p_idempotency_key: idempotencyKey
				}),
			(data) => {
				const balances = (data as { balances: Scan['balances'] }).balances;
				return { points: Number(balances.points), wallet: Number(balances.wallet) };
			}
		);
	},

	/** The member's latest purchases at the club, newest first (read under RLS as staff). */
	recentPurchases(memberId: string, limit = 5): Promise<CashierResult<Purchase[]>> {
		return run(
			(supabase) =>
				supabase
					.from('purchases')
					.select('id, amount, refunded_amount, points_earned, occurred_at')
					.eq('member_id', memberId)
					.order('occurred_at', { ascending: false })
					.limit(limit),
			(data) =>
				(data as Record<string, unknown>[]).map((row) => ({
					id: String(row.id),
					amount: Number(row.amount),
					refunded: Number(row.refunded_amount),
					pointsEarned: Number(row.points_earned),
					occurredAt: String(row.occurred_at)
				}))
		);
	}
};
