/**
 * Message providers behind one interface: SMS through Kavenegar or Twilio, web push with VAPID, and
 * the local stack's outbox. Each speaks the provider's real HTTP API; base URLs come from the
 * environment so tests can point them at a fake provider on loopback. No Deno globals here.
 *
 * What a provider promises when the same delivery is sent twice (after a crash between the send
 * and the mark) is its `idempotent` flag: true only where the provider itself drops the repeat
 * (Kavenegar's `localid`, the local outbox's `ref`) or where the repeat replaces the first on the
 * device (web push: the same Topic at the push service and the same notification tag).
 */
import webpush from 'npm:web-push@3';

export type Channel = 'sms' | 'push';

export interface PushSubscriptionRow {
	id: string;
	endpoint: string;
	keys: { p256dh: string; auth: string };
}

export interface Outgoing {
	/** The delivery id: the provider-side idempotency key where the provider has one. */
	id: string;
	channel: Channel;
	title: string;
	body: string;
	phone?: string | null;
	subscriptions?: PushSubscriptionRow[];
}

/**
 * sent: the provider took it. retry: it answered that it did not (safe to send again later).
 * failed: a final refusal. unknown: no answer we can trust, and sending again could duplicate.
 */
export type Outcome =
	| { outcome: 'sent'; ref: string; gone?: string[] }
	| { outcome: 'retry'; error: string; retryAfterSeconds?: number; gone?: string[] }
	| { outcome: 'failed'; error: string; gone?: string[] }
	| { outcome: 'unknown'; error: string };

export interface Provider {
	name: string;
	channel: Channel;
	idempotent: boolean;
	send(message: Outgoing): Promise<Outcome>;
}

export interface RetryPolicy {
	attempts: number;
	baseDelayMs: number;
	timeoutMs: number;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 500, timeoutMs: 15_000 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fetch that gives up after `timeoutMs`; a timeout is a network error like any other. */
async function fetchWithin(url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
	const controller = new AbortController();
	const timer = setTimeout(() => controller.abort(), timeoutMs);
	try {
		return await fetch(url, { ...init, signal: controller.signal });
	} finally {
		clearTimeout(timer);
	}
}

function form(fields: Record<string, string | undefined>): string {
	const params = new URLSearchParams();
	for (const [key, value] of Object.entries(fields))
		if (value !== undefined) params.set(key, value);
	return params.toString();
}

function smsText(message: Outgoing): string {
	return message.title ? `${message.title}\n${message.body}` : message.body;
}

/** Kavenegar wants Iranian mobiles as 09…; other numbers in the international 00… form. */
export function kavenegarReceptor(e164: string): string {
	const digits = e164.replace(/\D/g, '');
	return digits.startsWith('98') ? `0${digits.slice(2)}` : `00${digits}`;
}

/**
 * Kavenegar: POST {base}/v1/{API-KEY}/sms/send.json (form: receptor, message, sender, localid).
 * `localid` is our delivery id: Kavenegar does not send a second message with a localid it has
 * seen, so every failure, a crash included, may be retried with it.
 */
export function kavenegar(
	config: { apiKey: string; sender?: string; baseUrl?: string },
	retry: RetryPolicy = DEFAULT_RETRY
): Provider {
	const base = (config.baseUrl ?? 'https://api.kavenegar.com').replace(/\/$/, '');
	return {
		name: 'kavenegar',
		channel: 'sms',
		idempotent: true,
		async send(message) {
			if (!message.phone) return { outcome: 'failed', error: 'no_phone' };
			const url = `${base}/v1/${encodeURIComponent(config.apiKey)}/sms/send.json`;
			const body = form({
				receptor: kavenegarReceptor(message.phone),
				message: smsText(message),
				sender: config.sender,
				localid: message.id
			});
			let last = 'no attempt';
			for (let attempt = 1; attempt <= retry.attempts; attempt++) {
				if (attempt > 1) await sleep(retry.baseDelayMs * 2 ** (attempt - 2));
				let response: Response;
				try {
					response = await fetchWithin(
						url,
						{
							method: 'POST',
							headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
							body
						},
						retry.timeoutMs
					);
				} catch (error) {
					last = `network: ${(error as Error).message}`;
					continue;
				}
				const json = (await response.json().catch(() => null)) as {
					return?: { status?: number; message?: string };
					entries?: { messageid?: number | string }[];
				} | null;
				const status = json?.return?.status ?? response.status;
				if (status === 200 && json?.entries?.[0]?.messageid !== undefined) {
					return { outcome: 'sent', ref: String(json.entries[0].messageid) };
				}
				last = `kavenegar ${status}: ${json?.return?.message ?? response.statusText}`;
				// 418 is "not enough credit": worth trying again once the account is topped up.
				if (status === 418) return { outcome: 'retry', error: last, retryAfterSeconds: 3600 };
				if (status >= 400 && status < 500 && status !== 429)
					return { outcome: 'failed', error: last };
			}
			return { outcome: 'retry', error: last };
		}
	};
}

/**
 * Twilio: POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json (form: To, From or
 * MessagingServiceSid, Body) with HTTP Basic auth. Twilio has no idempotency key for messages, so
 * only a refusal Twilio answered (4xx, and 429 after waiting) is retried; a 5xx or a lost
 * connection may have created the message, and is reported as unknown rather than sent twice.
 */
export function twilio(
	config: { accountSid: string; authToken: string; from: string; baseUrl?: string },
	retry: RetryPolicy = DEFAULT_RETRY
): Provider {
	const base = (config.baseUrl ?? 'https://api.twilio.com').replace(/\/$/, '');
	const authorization = `Basic ${btoa(`${config.accountSid}:${config.authToken}`)}`;
	return {
		name: 'twilio',
		channel: 'sms',
		idempotent: false,
		async send(message) {
			if (!message.phone) return { outcome: 'failed', error: 'no_phone' };
			const url = `${base}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`;
			const from = config.from.startsWith('MG')
				? { MessagingServiceSid: config.from }
				: { From: config.from };
			const body = form({ To: message.phone, ...from, Body: smsText(message) });
			let last = 'no attempt';
			for (let attempt = 1; attempt <= retry.attempts; attempt++) {
				let response: Response;
				try {
					response = await fetchWithin(
						url,
						{
							method: 'POST',
							headers: {
								authorization,
								'content-type': 'application/x-www-form-urlencoded; charset=utf-8'
							},
							body
						},
						retry.timeoutMs
					);
				} catch (error) {
					return { outcome: 'unknown', error: `network: ${(error as Error).message}` };
				}
				const json = (await response.json().catch(() => null)) as {
					sid?: string;
					code?: number;
					message?: string;
				} | null;
				if (response.status === 201 && json?.sid) return { outcome: 'sent', ref: json.sid };
				last = `twilio ${response.status} ${json?.code ?? ''}: ${json?.message ?? response.statusText}`;
				if (response.status >= 500) return { outcome: 'unknown', error: last };
				if (response.status !== 429) return { outcome: 'failed', error: last };
				const wait = Number(response.headers.get('retry-after'));
				await sleep(
					Number.isFinite(wait) && wait > 0
						? Math.min(wait * 1000, 10_000)
						: retry.baseDelayMs * 2 ** (attempt - 1)
				);
			}
			return { outcome: 'retry', error: last };
		}
	};
}

/**
 * Web push (RFC 8030) with VAPID (RFC 8292) and aes128gcm payloads (RFC 8291), to every browser
 * the member subscribed. The Topic header and the notification tag are the delivery id, so a
 * repeat replaces an undelivered one at the push service and a shown one on the device.
 */
export function vapidPush(
	config: { publicKey: string; privateKey: string; subject: string },
	retry: RetryPolicy = DEFAULT_RETRY
): Provider {
	return {
		name: 'vapid',
		channel: 'push',
		idempotent: true,
		async send(message) {
			const subscriptions = message.subscriptions ?? [];
			if (!subscriptions.length) return { outcome: 'failed', error: 'no_subscription' };
			const payload = JSON.stringify({
				title: message.title,
				body: message.body,
				tag: message.id,
				url: '/inbox'
			});
			const gone: string[] = [];
			let sent: string | null = null;
			let last = '';
			for (const subscription of subscriptions) {
				const details = webpush.generateRequestDetails(
					{ endpoint: subscription.endpoint, keys: subscription.keys },
					payload,
					{
						vapidDetails: config,
						TTL: 86_400,
						topic: message.id.replace(/-/g, ''),
						urgency: 'normal'
					}
				);
				for (let attempt = 1; attempt <= retry.attempts; attempt++) {
					if (attempt > 1) await sleep(retry.baseDelayMs * 2 ** (attempt - 2));
					let response: Response;
					try {
						response = await fetchWithin(
							details.endpoint,
							{
								method: details.method,
								headers: details.headers as Record<string, string>,
								body: details.body as unknown as BodyInit
							},
							retry.timeoutMs
						);
					} catch (error) {
						last = `network: ${(error as Error).message}`;
						continue;
					}
					await response.body?.cancel();
					if (response.status >= 200 && response.status < 300) {
						sent ??= response.headers.get('location') ?? subscription.id;
						break;
					}
					last = `push ${response.status}`;
					if (response.status === 404 || response.status === 410) {
						gone.push(subscription.id);
						break;
					}
					if (response.status !== 429 && response.status < 500) break;
				}
			}
			if (sent) return { outcome: 'sent', ref: sent, gone };
			if (gone.length === subscriptions.length)
				return { outcome: 'failed', error: 'no_subscription', gone };
			return { outcome: 'retry', error: last, gone };
		}
	};
}

/**
 * Local stack only: writes the message to the stack's outbox (GET /auth/v1/_local/outbox), as a
 * provider would have delivered it. The outbox keeps one row per `ref`, so repeats are dropped.
 */
export function localOutbox(
	config: { supabaseUrl: string; serviceRoleKey: string },
	channel: Channel
): Provider {
	return {
		name: 'local',
		channel,
		idempotent: true,
		async send(message) {
			const recipient =
				channel === 'sms' ? message.phone : (message.subscriptions?.[0]?.endpoint ?? null);
			if (!recipient) {
				return { outcome: 'failed', error: channel === 'sms' ? 'no_phone' : 'no_subscription' };
			}
			const response = await fetch(`${config.supabaseUrl}/auth/v1/_local/outbox`, {
				method: 'POST',
				headers: {
					apikey: config.serviceRoleKey,
					authorization: `Bearer ${config.serviceRoleKey}`,
					'content-type': 'application/json'
				},
				body: JSON.stringify({ channel, recipient, body: smsText(message), ref: message.id })
			});
			const json = (await response.json().catch(() => null)) as { id?: number } | null;
			if (response.ok && json?.id !== undefined)
				return { outcome: 'sent', ref: `local-${json.id}` };
			return { outcome: 'retry', error: `local outbox ${response.status}` };
		}
	};
}

export interface Providers {
	sms: Record<string, Provider>;
	push: Provider | null;
	/** The SMS provider used when the club names none. */
	defaultSms: string | null;
}

/**
 * The providers the environment configures. Without any, a stack on loopback uses the local
 * outbox; a deployed project sends nothing it has no provider for (the delivery fails visibly).
 */
export function providersFromEnv(env: (name: string) => string | undefined): Providers {
	const sms: Record<string, Provider> = {};
	const key = env('KAVENEGAR_API_KEY');
	if (key) {
		sms.kavenegar = kavenegar({
			apiKey: key,
			sender: env('KAVENEGAR_SENDER'),
			baseUrl: env('KAVENEGAR_BASE_URL')
		});
	}
	const sid = env('TWILIO_ACCOUNT_SID');
	const token = env('TWILIO_AUTH_TOKEN');
	const from = env('TWILIO_FROM');
	if (sid && token && from) {
		sms.twilio = twilio({
			accountSid: sid,
			authToken: token,
			from,
			baseUrl: env('TWILIO_BASE_URL')
		});
	}
	const supabaseUrl = env('SUPABASE_URL') ?? '';
	const serviceRoleKey = env('SUPABASE_SERVICE_ROLE_KEY') ?? '';
	const onLoopback = /^https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(supabaseUrl);
	if (onLoopback) sms.local = localOutbox({ supabaseUrl, serviceRoleKey }, 'sms');
	const vapidPublic = env('VAPID_PUBLIC_KEY');
	const vapidPrivate = env('VAPID_PRIVATE_KEY');
	const push =
		vapidPublic && vapidPrivate
			? vapidPush({
					publicKey: vapidPublic,
					privateKey: vapidPrivate,
					subject: env('VAPID_SUBJECT') ?? 'mailto:admin@example.com'
				})
			: onLoopback
				? localOutbox({ supabaseUrl, serviceRoleKey }, 'push')
				: null;
	const wanted = env('VAFA_SMS_PROVIDER');
	const defaultSms =
		wanted && sms[wanted]
			? wanted
			: (['kavenegar', 'twilio', 'local'].find((name) => sms[name]) ?? null);
	return { sms, push, defaultSms };
}
