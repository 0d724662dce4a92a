/** Helpers for the auth stand-in's specs: fresh phone numbers, the dev outbox, JWT claims, SQL. */
import { randomInt } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { anonClient, serviceClient } from './clients';

/** A fresh, valid Israeli mobile number (+97250…), so tests never share rate limits. */
export function randomPhone(): string {
	return `+97250${String(randomInt(10_000_000)).padStart(7, '0')}`;
}

/** A fresh email address. */
export function randomEmail(): string {
	return `user-${randomInt(1e9)}@example.com`;
}

type OutboxMessage = {
	id: number;
	channel: 'sms' | 'email';
	to: string;
	code: string;
	body: string;
	created_at: string;
};

/** The messages the stand-in "sent" to a phone or email, newest first (dev-only URL). */
export async function outbox(to: string): Promise<OutboxMessage[]> {
	const { url } = inject('stack');
	const response = await fetch(`${url}/auth/v1/_local/outbox?to=${encodeURIComponent(to)}`);
	if (!response.ok) throw new Error(`outbox: ${response.status}`);
	return ((await response.json()) as { messages: OutboxMessage[] }).messages;
}

/** The latest code sent to `to`. */
export async function latestCode(to: string): Promise<string> {
	// The outbox also carries the clubs' own messages, which have no code.
	const message = (await outbox(to)).find((m) => m.code);
	if (!message) throw new Error(`no code to ${to} in the outbox`);
	return message.code;
}

/** The decoded (unverified) claims of a JWT. */
export function claims(jwt: string): Record<string, unknown> {
	return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

/** Runs one SQL statement as the superuser, for arranging what only time would otherwise do. */
export async function sql(text: string, params: unknown[] = []): Promise<pg.QueryResult> {
	const db = new pg.Client({ connectionString: inject('stack').dbUrl });
	await db.connect();
	try {
		return await db.query(text, params);
	} finally {
		await db.end();
	}
}

/** Creates a confirmed phone user with a password through the admin API. */
export async function passwordUser(userMetadata: Record<string, unknown> = {}) {
	const phone = randomPhone();
	const password = `pw-${randomInt(1e9)}-long`;
	const { data, error } = await serviceClient().auth.admin.createUser({
		phone,
		password,
		phone_confirm: true,
		user_metadata: userMetadata
	});
	if (error) throw error;
	return { id: data.user.id, phone, password };
}

/** A new anon client signed in with a password; fails the test if sign-in fails. */
export async function signedIn(phone: string, password: string) {
	const client = anonClient();
	const { data, error } = await client.auth.signInWithPassword({ phone, password });
	if (error || !data.session) throw new Error(`sign-in failed: ${error?.code} ${error?.message}`);
	return { client, session: data.session };
}
