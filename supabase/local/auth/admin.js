/** Local stack only: GoTrue's /admin/users routes, open to service_role and supabase_admin tokens. */
import { seconds } from '../config.js';
import { badRequest, forbidden, notFound, unprocessable } from './errors.js';
import { normalisePhone } from './phone.js';
import { bearerClaims } from './tokens.js';
import {
	assertFree,
	checkPassword,
	findUser,
	hashPassword,
	identitiesOf,
	insertUser,
	loadUserJson,
	mergeMetadata,
	normaliseEmail,
	updateUser,
	upsertIdentity,
	userJson,
	withProvider
} from './users.js';

const ADMIN_ROLES = ['service_role', 'supabase_admin'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Throws 401 no_authorization / 403 bad_jwt / 403 not_admin unless the bearer is an admin token. */
export function requireAdmin(ctx, req) {
	const claims = bearerClaims(ctx, req);
	if (!ADMIN_ROLES.includes(claims.role)) throw forbidden('not_admin', 'User not allowed');
}

/** "none" lifts a ban; a duration like "24h" bans until then. */
function bannedUntil(duration) {
	if (duration === 'none') return null;
	try {
		return new Date(Date.now() + seconds(duration) * 1000);
	} catch {
		throw badRequest(
			'validation_failed',
			`invalid format for ban_duration: "${duration}" (use e.g. 24h or none)`
		);
	}
}

function objectOrNull(value, name) {
	if (value === undefined || value === null) return null;
	if (typeof value !== 'object' || Array.isArray(value))
		throw badRequest('validation_failed', `${name} must be a JSON object`);
	return value;
}

/** POST /admin/users */
export async function createUser(ctx, db, body) {
	const email = body.email ? normaliseEmail(body.email) : null;
	const phone = body.phone ? normalisePhone(body.phone) : null;
	if (!email && !phone)
		throw badRequest('validation_failed', 'Cannot create a user without either an email or phone');
	if (body.id !== undefined && !UUID.test(String(body.id)))
		throw badRequest('validation_failed', 'id must be a UUID');
	if (body.id && (await findUser(db, 'id', body.id)))
		throw unprocessable('user_already_exists', 'User already registered');
	if (email) await assertFree(db, 'email', email);
	if (phone) await assertFree(db, 'phone', phone);
	let encrypted = '';
	if (body.password) {
		checkPassword(body.password, ctx.auth);
		encrypted = await hashPassword(db, body.password);
	}
	const now = new Date();
	const row = await insertUser(db, {
		id: body.id,
		role: body.role,
		email,
		phone,
		encrypted_password: encrypted,
		email_confirmed_at: email && body.email_confirm ? now : null,
		phone_confirmed_at: phone && body.phone_confirm ? now : null,
		banned_until: body.ban_duration ? bannedUntil(body.ban_duration) : null,
		userMetadata: objectOrNull(body.user_metadata, 'user_metadata') ?? {},
		appMetadata: objectOrNull(body.app_metadata, 'app_metadata') ?? {}
	});
	return userJson(row, await identitiesOf(db, row.id));
}

/** GET /admin/users: newest first, with GoTrue's X-Total-Count and Link headers. */
export async function listUsers(ctx, db, query) {
	const page = Math.max(1, parseInt(query.get('page') ?? '', 10) || 1);
	const perPage = Math.min(1000, Math.max(1, parseInt(query.get('per_page') ?? '', 10) || 50));
	const total = (
		await db.query('select count(*)::int as n from auth.users where deleted_at is null')
	).rows[0].n;
	const { rows } = await db.query(
		'select * from auth.users where deleted_at is null order by created_at desc, id limit $1 offset $2',
		[perPage, (page - 1) * perPage]
	);
	const { rows: identities } = await db.query(
		'select * from auth.identities where user_id = any($1::uuid[])',
		[rows.map((r) => r.id)]
	);
	const users = rows.map((r) =>
		userJson(
			r,
			identities.filter((i) => i.user_id === r.id)
		)
	);
	const last = Math.max(1, Math.ceil(total / perPage));
	const link = (p, rel) =>
		`<${ctx.issuer}/admin/users?page=${p}&per_page=${perPage}>; rel="${rel}"`;
	const links = [...(page < last ? [link(page + 1, 'next')] : []), link(last, 'last')];
	return {
		body: { users, aud: 'authenticated' },
		headers: { 'x-total-count': String(total), link: links.join(', ') }
	};
}

async function existing(db, id) {
	const user = UUID.test(id) ? await findUser(db, 'id', id) : null;
	if (!user) throw notFound('user_not_found', 'User not found');
	return user;
}

/** GET /admin/users/{id} */
export async function getUser(db, id) {
	await existing(db, id);
	return loadUserJson(db, id);
}

/** PUT /admin/users/{id}: sets addresses and password directly; metadata is merged, null deletes. */
export async function updateUserById(ctx, db, id, body) {
	const user = await existing(db, id);
	const columns = {};
	const now = new Date();
	let app = user.raw_app_meta_data ?? {};
	if (body.email) {
		columns.email = normaliseEmail(body.email);
		await assertFree(db, 'email', columns.email, id);
		app = withProvider(app, 'email');
	}
	if (body.phone) {
		columns.phone = normalisePhone(body.phone);
		await assertFree(db, 'phone', columns.phone, id);
		app = withProvider(app, 'phone');
	}
	if (body.email_confirm === true) columns.email_confirmed_at = now;
	if (body.phone_confirm === true) columns.phone_confirmed_at = now;
	if (body.password) {
		checkPassword(body.password, ctx.auth);
		columns.encrypted_password = await hashPassword(db, body.password);
	}
	if (body.role) columns.role = String(body.role);
	if (body.ban_duration) columns.banned_until = bannedUntil(body.ban_duration);
	const userMetadata = objectOrNull(body.user_metadata, 'user_metadata');
	if (userMetadata)
		columns.raw_user_meta_data = mergeMetadata(user.raw_user_meta_data, userMetadata);
	const appMetadata = objectOrNull(body.app_metadata, 'app_metadata');
	columns.raw_app_meta_data = appMetadata ? mergeMetadata(app, appMetadata) : app;
	const updated = await updateUser(db, id, columns);
	if (updated.email) await upsertIdentity(db, updated, 'email');
	if (updated.phone) await upsertIdentity(db, updated, 'phone');
	return loadUserJson(db, id);
}

/** DELETE /admin/users/{id}: hard delete, or GoTrue's soft delete (addresses freed, sessions ended). */
export async function deleteUser(db, id, body) {
	await existing(db, id);
	if (body.should_soft_delete === true) {
		await db.query('delete from auth.sessions where user_id = $1', [id]);
		await db.query('delete from auth.identities where user_id = $1', [id]);
		await updateUser(db, id, {
			email: null,
			phone: null,
			encrypted_password: '',
			deleted_at: new Date()
		});
	} else {
		await db.query('delete from auth.users where id = $1', [id]);
	}
	return {};
}
