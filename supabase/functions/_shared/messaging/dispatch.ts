/**
 * The dispatcher: claims due SMS and push deliveries, sends each through its provider and records
 * the outcome, following the state machine of migration 20261123000700 (claim with a lease that
 * is committed before the provider is called; complete only while holding the lease).
 *
 * A crash between the provider's answer and `complete_delivery` leaves the delivery `sending`
 * until its lease runs out. The next claim then sends it again only to a provider that drops or
 * collapses repeats by the delivery id (Kavenegar localid, web push topic/tag, the local outbox),
 * and otherwise (Twilio) marks it `unknown` for a manager: never twice, possibly not at all.
 */
import type { Channel, Outcome, Provider, Providers, PushSubscriptionRow } from './providers.ts';

/** The subset of supabase-js the dispatcher uses, so tests can run it with a real client. */
export type Rpc = (
	fn: string,
	args: Record<string, unknown>
) => PromiseLike<{ data: unknown; error: { message: string } | null }>;

interface Claimed {
	id: string;
	lease_token: string;
	channel: Channel;
	program_id: string;
	attempt: number;
	resumed: boolean;
	provider: string | null;
	title: string;
	body: string;
	sms_provider: string | null;
	phone: string | null;
	subscriptions: PushSubscriptionRow[] | null;
}

export interface DispatchOptions {
	rpc: Rpc;
	providers: Providers;
	/** Only trusted callers' times are honoured; jobs pass the scheduled minute. */
	now?: string;
	limit?: number;
	leaseSeconds?: number;
	/** One club only (tests, or a club's own pass). */
	programId?: string;
}

export interface DispatchReport {
	claimed: number;
	sent: number;
	retry: number;
	failed: number;
	unknown: number;
	lost: number;
}

async function call<T>(rpc: Rpc, fn: string, args: Record<string, unknown>): Promise<T> {
	const { data, error } = await rpc(fn, args);
	if (error) throw new Error(`${fn}: ${error.message}`);
	return data as T;
}

/** The provider for a delivery: the one it already went to, the club's choice, or the default. */
function providerFor(delivery: Claimed, providers: Providers): Provider | null {
	if (delivery.channel === 'push') return providers.push;
	const name = delivery.provider ?? delivery.sms_provider ?? providers.defaultSms;
	return (name && providers.sms[name]) || null;
}

/** The names of configured providers whose repeats are harmless (see providers.ts). */
function idempotentProviders(providers: Providers): string[] {
	return [...Object.values(providers.sms), ...(providers.push ? [providers.push] : [])]
		.filter((p) => p.idempotent)
		.map((p) => p.name);
}

/** One pass: claim, send, complete. Returns what happened, for the job's log. */
export async function dispatchOnce(options: DispatchOptions): Promise<DispatchReport> {
	const { rpc, providers, now } = options;
	const report: DispatchReport = { claimed: 0, sent: 0, retry: 0, failed: 0, unknown: 0, lost: 0 };
	const claimed = await call<Claimed[]>(rpc, 'claim_deliveries', {
		p_limit: options.limit ?? 50,
		p_lease_seconds: options.leaseSeconds ?? 60,
		p_idempotent_providers: idempotentProviders(providers),
		p_now: now ?? null,
		p_program_id: options.programId ?? null
	});
	report.claimed = claimed.length;
	for (const delivery of claimed) {
		const provider = providerFor(delivery, providers);
		let result: Outcome;
		if (!provider) {
			result = { outcome: 'failed', error: `no ${delivery.channel} provider is configured` };
		} else {
			const mine = await call<boolean>(rpc, 'start_delivery', {
				p_delivery_id: delivery.id,
				p_lease_token: delivery.lease_token,
				p_provider: provider.name
			});
			if (!mine) {
				report.lost++;
				continue;
			}
			result = await provider.send({
				id: delivery.id,
				channel: delivery.channel,
				title: delivery.title,
				body: delivery.body,
				phone: delivery.phone ? `+${delivery.phone.replace(/^\+/, '')}` : null,
				subscriptions: delivery.subscriptions ?? []
			});
		}
		for (const id of 'gone' in result ? (result.gone ?? []) : []) {
			await call(rpc, 'forget_push_subscription', { p_subscription_id: id });
		}
		const recorded = await call<boolean>(rpc, 'complete_delivery', {
			p_delivery_id: delivery.id,
			p_lease_token: delivery.lease_token,
			p_outcome: result.outcome,
			p_provider: provider?.name ?? null,
			p_provider_ref: result.outcome === 'sent' ? result.ref : null,
			p_error: result.outcome === 'sent' ? null : result.error,
			p_retry_seconds:
				result.outcome === 'retry'
					? (result.retryAfterSeconds ?? 60 * 2 ** Math.min(delivery.attempt, 6))
					: null,
			p_now: now ?? null
		});
		if (!recorded) report.lost++;
		else report[result.outcome]++;
	}
	return report;
}
