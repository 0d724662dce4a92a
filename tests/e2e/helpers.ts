/** Shared steps of the end-to-end tests: the stack's outbox, arranging users, axe. */
import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';

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
		if (messages.length) return messages[0].code;
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
