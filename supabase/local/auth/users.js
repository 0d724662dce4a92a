/** Local stack only: auth.users rows as GoTrue reads, writes and serialises them. */
import { randomUUID } from 'node:crypto';
import { badRequest, unprocessable } from './errors.js';

const INSTANCE_ID = '00000000-0000-0000-0000-000000000000';
// GoTrue's email check, so the stand-in rejects exactly what production rejects.
const EMAIL =
	/^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** Trims and lower-cases an email, or throws 400 validation_failed. */
export function normaliseEmail(input) {
	const email = typeof input === 'string' ? input.trim().toLowerCase() : '';
	if (!EMAIL.test(email) || email.length > 255) {
		throw badRequest('validation_failed', 'Unable to validate email address: invalid format');
	}
	return email;
}

const iso = (value) => (value ? new Date(value).toISOString() : undefined);

/** GoTrue's JSON for an identity row. */
export function identityJson(row) {
	return {
		identity_id: row.id,
		id: row.provider_id,
		user_id: row.user_id,
		identity_data: row.identity_data,
		provider: row.provider,
		last_sign_in_at: iso(row.last_sign_in_at),
		created_at: iso(row.created_at),
		updated_at: iso(row.updated_at),
		...(row.email ? { email: row.email } : {})
	};
}

/** GoTrue's User JSON: phone without '+', '' for unset email/phone, optional timestamps omitted. */
export function userJson(row, identities = []) {
	const optional = {
		email_confirmed_at: iso(row.email_confirmed_at),
		phone_confirmed_at: iso(row.phone_confirmed_at),
		confirmation_sent_at: iso(row.confirmation_sent_at),
		confirmed_at: iso(row.confirmed_at),
		recovery_sent_at: iso(row.recovery_sent_at),
		new_email: row.email_change || undefined,
		email_change_sent_at: iso(row.email_change_sent_at),
		new_phone: row.phone_change || undefined,
		phone_change_sent_at: iso(row.phone_change_sent_at),
		last_sign_in_at: iso(row.last_sign_in_at),
		banned_until: iso(row.banned_until)
	};
	return {
		id: row.id,
		aud: row.aud ?? 'authenticated',
		role: row.role ?? 'authenticated',
		email: row.email ?? '',
		phone: row.phone ?? '',
		...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
		app_metadata: row.raw_app_meta_data ?? {},
		user_metadata: row.raw_user_meta_data ?? {},
		identities: identities.map(identityJson),
		created_at: iso(row.created_at),
		updated_at: iso(row.updated_at),
		is_anonymous: row.is_anonymous ?? false
	};
}

/** The user with `column = value`, or null; soft-deleted users do not exist for sign-in. */
export async function findUser(db, column, value) {
	if (!['id', 'email', 'phone', 'email_change', 'phone_change'].includes(column)) {
		throw new Error(`findUser: unsupported column ${column}`);
	}
	const { rows } = await db.query(
		`select * from auth.users where ${column} = $1 and deleted_at is null limit 1`,
		[value]
	);
	return rows[0] ?? null;
}

/** Loads a user's identities. */
export async function identitiesOf(db, userId) {
	const { rows } = await db.query(
		'select * from auth.identities where user_id = $1 order by created_at, id',
		[userId]
	);
	return rows;
}

/** The User JSON of `id`, freshly read. */
export async function loadUserJson(db, id) {
	const row = await findUser(db, 'id', id);
	return row && userJson(row, await identitiesOf(db, id));
}

/** Throws 422 weak_password when `password` is shorter than the configured minimum. */
export function checkPassword(password, auth) {
	if (typeof password !== 'string' || password.length < auth.minimumPasswordLength) {
		const message = `Password should be at least ${auth.minimumPasswordLength} characters.`;
		throw unprocessable('weak_password', message, {
			weak_password: { reasons: ['length'], message }
		});
	}
}

/** bcrypt via pgcrypto, the same `$2a$` hashes GoTrue writes to encrypted_password. */
export async function hashPassword(db, password) {
	const { rows } = await db.query(
		`select extensions.crypt($1, extensions.gen_salt('bf', 10)) as hash`,
		[password]
	);
	return rows[0].hash;
}

/** True when `password` matches the user's bcrypt hash. */
export async function passwordMatches(db, user, password) {
	if (!user?.encrypted_password || typeof password !== 'string') return false;
	const { rows } = await db.query('select extensions.crypt($1, $2) = $2 as ok', [
		password,
		user.encrypted_password
	]);
	return rows[0].ok;
}

/** Shallow-merges `patch` into `metadata`; a null value deletes the key, as GoTrue does. */
export function mergeMetadata(metadata, patch) {
	const merged = { ...(metadata ?? {}) };
	for (const [key, value] of Object.entries(patch ?? {})) {
		if (value === null) delete merged[key];
		else merged[key] = value;
	}
	return merged;
}

/** Fails with 422 phone_exists / email_exists when another user already holds the address. */
export async function assertFree(db, column, value, exceptId = null) {
	const other = await findUser(db, column, value);
	if (other && other.id !== exceptId) {
		throw column === 'phone'
			? unprocessable('phone_exists', 'A user with this phone number has already been registered')
			: unprocessable('email_exists', 'A user with this email address has already been registered');
	}
}

/** Upserts the `phone` or `email` identity so it mirrors the user's current address. */
export async function upsertIdentity(db, user, provider) {
	const data = {
		sub: user.id,
		email_verified: !!user.email_confirmed_at,
		phone_verified: !!user.phone_confirmed_at
	};
	if (provider === 'email') data.email = user.email;
	else data.phone = user.phone;
	await db.query(
		`insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
		 values ($1::text, $1::text::uuid, $2, $3, now(), now())
		 on conflict (provider_id, provider) do update set identity_data = excluded.identity_data, updated_at = now()`,
		[user.id, data, provider]
	);
}

/**
 * Inserts a user with the given address(es) and metadata, plus its identities, and returns the row.
 * `fields` holds auth.users columns (email, phone, encrypted_password, *_confirmed_at, banned_until).
 */
export async function insertUser(db, { id, role, userMetadata, appMetadata, ...fields }) {
	const providers = [fields.email && 'email', fields.phone && 'phone'].filter(Boolean);
	const app = { provider: providers[0] ?? 'email', providers, ...(appMetadata ?? {}) };
	const { rows } = await db.query(
		`insert into auth.users (instance_id, id, aud, role, email, phone, encrypted_password,
		   email_confirmed_at, phone_confirmed_at, banned_until, raw_app_meta_data, raw_user_meta_data,
		   created_at, updated_at, is_anonymous)
		 values ($1, $2, 'authenticated', $3, $4, $5, $6, $7, $8, $9, $10, $11, now(), now(), false)
		 returning *`,
		[
			INSTANCE_ID,
			id ?? randomUUID(),
			role ?? 'authenticated',
			fields.email ?? null,
			fields.phone ?? null,
			fields.encrypted_password ?? '',
			fields.email_confirmed_at ?? null,
			fields.phone_confirmed_at ?? null,
			fields.banned_until ?? null,
			app,
			userMetadata ?? {}
		]
	);
	for (const provider of providers) await upsertIdentity(db, rows[0], provider);
	return rows[0];
}

/** Updates the given auth.users columns of `id` (and updated_at) and returns the new row. */
export async function updateUser(db, id, columns) {
	const keys = Object.keys(columns);
	if (keys.length === 0) return findUser(db, 'id', id);
	const sets = keys.map((key, i) => `${key} = $${i + 2}`).join(', ');
	const { rows } = await db.query(
		`update auth.users set ${sets}, updated_at = now() where id = $1 returning *`,
		[id, ...keys.map((key) => columns[key])]
	);
	return rows[0];
}

/** Adds `provider` to app_metadata.providers after an address is confirmed or added. */
export function withProvider(appMetadata, provider) {
	const providers = new Set(appMetadata?.providers ?? []);
	providers.add(provider);
	return { provider: appMetadata?.provider ?? provider, ...appMetadata, providers: [...providers] };
}
