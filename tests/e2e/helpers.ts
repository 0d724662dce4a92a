/** Shared steps of the end-to-end tests: the stack's outbox, arranging users, axe. */
import { createRequire } from 'node:module';
import { expect, type Page } from '@playwright/test';
import { serviceWorkerHoldsShell } from '../built-app.js';

const stackUrl = () => process.env.VAFA_STACK_URL as string;
const serviceKey = () => process.env.VAFA_SERVICE_ROLE_KEY as string;

/** The newest one-time code the stack sent to `phone` (E.164), waiting for it to arrive. */
export async function codeFromOutbox(phone: string): Promise<string> {
	const to = phone.replace(/^\+/, '');
	for (let attempt = 0; attempt < 50; attempt++) {
		const response = await fetch(
			`${stackUrl()}/auth/v1/_local/outbox?to=${encodeURIComponent(to)}`
		);
		const { messages } = (await response.json()) as { messages: { to: string; code: string }[] };
		// The outbox also carries the club's own messages, which have no code.
		const withCode = messages.find((message) => message.code);
		if (withCode) return withCode.code;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw new Error(`no code reached the outbox for ${phone}`);
}

/** Creates a phone user through the admin API and makes them member `memberNumber` of cafe-vafa. */
export async function createMember(phone: string, memberNumber: number): Promise<string> {
	const headers = {
		apikey: serviceKey(),
		authorization: `Bearer ${serviceKey()}`,
		'content-type': 'application/json'
	};
	const created = await fetch(`${stackUrl()}/auth/v1/admin/users`, {
		method: 'POST',
		headers,
		body: JSON.stringify({ phone, phone_confirm: true })
	});
	if (!created.ok) throw new Error(`admin create failed: ${await created.text()}`);
	const { id } = (await created.json()) as { id: string };
	const member = await fetch(`${stackUrl()}/rest/v1/members`, {
		method: 'POST',
		headers,
		body: JSON.stringify({
			program_id: '22222222-2222-4222-8222-000000000001',
			user_id: id,
			member_number: memberNumber
		})
	});
	if (!member.ok) throw new Error(`member insert failed: ${await member.text()}`);
	return id;
}

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe-core's violations on the current page (WCAG 2.1 A and AA rules). */
export async function axeViolations(page: Page) {
	await page.addScriptTag({ path: axePath });
	return page.evaluate(async () => {
		const result = await (
			window as unknown as {
				axe: {
					run: (
						c: unknown,
						o: unknown
					) => Promise<{
						violations: { id: string; help: string; nodes: { target: unknown }[] }[];
					}>;
				};
			}
		).axe.run(document, {
			runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }
		});
		return result.violations.map((v) => ({
			id: v.id,
			help: v.help,
			targets: v.nodes.map((n) => n.target)
		}));
	});
}

const anonKey = () => process.env.VAFA_ANON_KEY as string;

/**
 * Reloads the page in Persian and then English, checks each with axe once `ready` holds, and
 * leaves it in Persian again.
 */
export async function axeCleanInFaAndEn(page: Page, ready: () => Promise<void>) {
	for (const locale of ['fa', 'en'] as const) {
		await page.evaluate((l) => localStorage.setItem('vafa:locale', l), locale);
		await page.reload();
		await expect(page.locator('html')).toHaveAttribute('lang', locale);
		await ready();
		expect({ locale, violations: await axeViolations(page) }).toEqual({ locale, violations: [] });
	}
	await page.evaluate(() => localStorage.setItem('vafa:locale', 'fa'));
	await page.reload();
	await expect(page.locator('html')).toHaveAttribute('lang', 'fa');
	await ready();
}

/** Digits written as Persian digits, as the fa screens show them. */
export function toPersianDigits(text: string | number): string {
	return String(text).replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]);
}

/** A fresh valid Iranian mobile number, so reruns never meet an earlier user or rate limit. */
export function freshPhone() {
	return `+98912${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
}

/** Signs a seeded user in through the auth API with the stack's test code; their access token. */
export async function tokenFor(phone: string): Promise<string> {
	const headers = { apikey: anonKey(), 'content-type': 'application/json' };
	await fetch(`${stackUrl()}/auth/v1/otp`, {
		method: 'POST',
		headers,
		body: JSON.stringify({ phone })
	});
	const verified = await fetch(`${stackUrl()}/auth/v1/verify`, {
		method: 'POST',
		headers,
		body: JSON.stringify({ phone, token: '123456', type: 'sms' })
	});
	if (!verified.ok) throw new Error(`sign-in failed: ${await verified.text()}`);
	return ((await verified.json()) as { access_token: string }).access_token;
}

/**
 * A session for `userId` as a second device would hold one. The app signs in by SMS code, which is
 * rate-limited per phone; here the user gets a password through the admin API and signs in with it.
 */
export async function sessionOnAnotherDevice(userId: string): Promise<string> {
	const admin = {
		apikey: serviceKey(),
		authorization: `Bearer ${serviceKey()}`,
		'content-type': 'application/json'
	};
	const password = `pw-${crypto.randomUUID()}`;
	const updated = await fetch(`${stackUrl()}/auth/v1/admin/users/${userId}`, {
		method: 'PUT',
		headers: admin,
		body: JSON.stringify({ password })
	});
	if (!updated.ok) throw new Error(`admin update failed: ${await updated.text()}`);
	const { phone } = (await updated.json()) as { phone: string };
	const signedIn = await fetch(`${stackUrl()}/auth/v1/token?grant_type=password`, {
		method: 'POST',
		headers: { apikey: anonKey(), 'content-type': 'application/json' },
		body: JSON.stringify({ phone, password })
	});
	if (!signedIn.ok) throw new Error(`password sign-in failed: ${await signedIn.text()}`);
	return ((await signedIn.json()) as { access_token: string }).access_token;
}

/** Posts a checkout at cafe-vafa as the seeded cashier; `card` is a QR payload, code or phone. */
export async function checkout(card: string, amount: number) {
	const token = await tokenFor('+989120000002');
	const response = await fetch(`${stackUrl()}/functions/v1/checkout`, {
		method: 'POST',
		headers: {
			apikey: anonKey(),
			authorization: `Bearer ${token}`,
			'content-type': 'application/json'
		},
		body: JSON.stringify({
			program: 'cafe-vafa',
			card,
			amount,
			idempotency_key: crypto.randomUUID()
		})
	});
	return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A member's referral code, read with the service role. */
export async function referralCodeOf(memberNumber: number): Promise<string> {
	const response = await fetch(
		`${stackUrl()}/rest/v1/members?member_number=eq.${memberNumber}&select=referral_code`,
		{ headers: { apikey: serviceKey(), authorization: `Bearer ${serviceKey()}` } }
	);
	const [row] = (await response.json()) as { referral_code: string }[];
	return row.referral_code;
}

/** Signs `phone` in through the app's form, reading the code from the outbox; ends on the card. */
export async function signInThroughApp(page: Page, phone: string) {
	await page.goto('/sign-in');
	await page.getByLabel('شماره موبایل').fill(phone);
	await page.getByRole('button', { name: /ارسال|دریافت/ }).click();
	await page.getByLabel(/کد/).fill(await codeFromOutbox(phone));
	await page.getByRole('button', { name: /ورود|تأیید|تایید/ }).click();
	await page.waitForURL(/\/card/);
}

/**
 * Signs a seeded user in through the app's form with the stack's fixed test code. A phone may ask
 * for a code once every 5 s (config.toml), and several specs sign the same seeded staff in, so a
 * refused request is repeated after that interval, as a person would.
 */
export async function signInSeeded(page: Page, phone: string) {
	await page.goto('/sign-in');
	await page.getByLabel('شماره موبایل').fill(phone);
	const codeField = page.getByLabel(/کد/);
	for (let attempt = 0; ; attempt++) {
		// A slow first answer may turn up after the wait below: then the code field is already there.
		if (await codeField.isVisible()) break;
		await page.getByRole('button', { name: /ارسال|دریافت/ }).click();
		const asked = await codeField.waitFor({ timeout: 3000 }).then(
			() => true,
			() => false
		);
		if (asked) break;
		if (attempt === 3) throw new Error(`no code could be requested for ${phone}`);
		await page.waitForTimeout(5500);
	}
	await page.getByLabel(/کد/).fill('123456');
	await page.getByRole('button', { name: /ورود|تأیید|تایید/ }).click();
	await expect(page).not.toHaveURL(/sign-in/);
}

/** Waits until the service worker is activated, controls the page and holds the app shell. */
export async function serviceWorkerReady(page: Page) {
	await expect.poll(() => serviceWorkerHoldsShell(page), { timeout: 20_000 }).toBe(true);
}
