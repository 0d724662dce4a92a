/** Local stack only: a GoTrue-compatible auth server for supabase-js, on GoTrue's own auth.* tables. */
import { fileURLToPath } from 'node:url';
import {
	createUser,
	deleteUser,
	getUser,
	listUsers,
	requireAdmin,
	updateUserById
} from './admin.js';
import { AuthError, badRequest, unprocessable, sendError } from './errors.js';
import {
	otpTarget,
	readOutbox,
	writeOutbox,
	requestChange,
	requestOtp,
	verifyOtp,
	verifyTokenHash
} from './otp.js';
import { normalisePhone, stripPhone } from './phone.js';
import { authenticate, logout, refreshGrant, startSession } from './tokens.js';
import {
	checkPassword,
	findUser,
	hashPassword,
	loadUserJson,
	mergeMetadata,
	normaliseEmail,
	passwordMatches,
	updateUser
} from './users.js';

/** The auth_local schema (outbox, OTP counters); the stack applies it right after bootstrap.sql. */
export const AUTH_SCHEMA_SQL_PATH = fileURLToPath(new URL('./schema.sql', import.meta.url));

const MAX_BODY = 1 << 20;

/** Runs `fn` in a transaction; an AuthError marked `commit` keeps its writes (counters, revocations). */
async function withTx(pool, fn) {
	const client = await pool.connect();
	try {
		await client.query('begin');
		try {
			const result = await fn(client);
			await client.query('commit');
			return result;
		} catch (error) {
			await client.query(error instanceof AuthError && error.commit ? 'commit' : 'rollback');
			throw error;
		}
	} finally {
		client.release();
	}
}

async function readJson(req) {
	const chunks = [];
	let size = 0;
	for await (const chunk of req) {
		size += chunk.length;
		if (size > MAX_BODY)
			throw new AuthError(413, 'request_too_large', 'Request body is larger than 1 MB');
		chunks.push(chunk);
	}
	const text = Buffer.concat(chunks).toString('utf8').trim();
	if (!text) return {};
	try {
		const body = JSON.parse(text);
		if (body && typeof body === 'object' && !Array.isArray(body)) return body;
	} catch {
		// fall through to the validation error
	}
	throw badRequest('validation_failed', 'Could not parse request body as a JSON object');
}

function objectOrUndefined(value, name) {
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'object' || Array.isArray(value))
		throw badRequest('validation_failed', `${name} must be a JSON object`);
	return value;
}

/** POST /token?grant_type=password */
async function passwordGrant(ctx, db, req, body) {
	let user = null;
	let channel = 'email';
	if (typeof body.email === 'string' && body.email) {
		user = await findUser(db, 'email', body.email.trim().toLowerCase());
	} else if (typeof body.phone === 'string' && body.phone) {
		channel = 'phone';
		user = await findUser(db, 'phone', stripPhone(body.phone));
	} else {
		throw badRequest(
			'validation_failed',
			'Sign in with a password needs an email or a phone number'
		);
	}
	if (!user || !(await passwordMatches(db, user, body.password))) {
		throw badRequest('invalid_credentials', 'Invalid login credentials');
	}
	if (user.banned_until && user.banned_until > new Date())
		throw badRequest('user_banned', 'User is banned');
	if (channel === 'email' && !user.email_confirmed_at)
		throw badRequest('email_not_confirmed', 'Email not confirmed');
	if (channel === 'phone' && !user.phone_confirmed_at)
		throw badRequest('phone_not_confirmed', 'Phone not confirmed');
	return startSession(ctx, db, req, user, 'password');
}

/** PUT /user: metadata merge, password, and phone/email changes confirmed by a code. */
async function updateSelf(ctx, db, req, body) {
	const { user } = await authenticate(ctx, db, req);
	const columns = {};
	const data = objectOrUndefined(body.data, 'data');
	if (data) columns.raw_user_meta_data = mergeMetadata(user.raw_user_meta_data, data);
	if (body.password !== undefined && body.password !== null) {
		checkPassword(body.password, ctx.auth);
		if (await passwordMatches(db, user, body.password)) {
			throw unprocessable(
				'same_password',
				'New password should be different from the old password.'
			);
		}
		columns.encrypted_password = await hashPassword(db, body.password);
	}
	await updateUser(db, user.id, columns);
	if (body.phone) {
		const phone = normalisePhone(body.phone);
		if (phone !== user.phone) await requestChange(ctx, db, user, 'sms', phone);
	}
	if (body.email) {
		const email = normaliseEmail(body.email);
		if (email !== user.email) await requestChange(ctx, db, user, 'email', email);
	}
	return loadUserJson(db, user.id);
}

/** Where an email link may send the browser: the site URL or an allowed redirect URL. */
function safeRedirect(auth, wanted) {
	const allowed = [auth.siteUrl, ...auth.redirectUrls];
	return wanted && allowed.some((base) => wanted.startsWith(base)) ? wanted : auth.siteUrl;
}

/** GET /verify: an email link lands here and redirects with the session (or error) in the fragment. */
async function verifyLink(ctx, req, res, query) {
	const target = safeRedirect(ctx.auth, query.get('redirect_to'));
	let fragment;
	try {
		const type = query.get('type') ?? '';
		if (!['signup', 'invite', 'magiclink', 'recovery', 'email_change', 'email'].includes(type)) {
			throw badRequest('validation_failed', `Unsupported verification type: ${type}`);
		}
		const s = await withTx(ctx.pool, (db) =>
			verifyTokenHash(ctx, db, req, type, query.get('token') ?? '')
		);
		fragment = new URLSearchParams({
			access_token: s.access_token,
			expires_at: String(s.expires_at),
			expires_in: String(s.expires_in),
			refresh_token: s.refresh_token,
			token_type: 'bearer',
			type
		});
	} catch (error) {
		if (!(error instanceof AuthError)) throw error;
		fragment = new URLSearchParams({
			error: 'access_denied',
			error_code: error.code,
			error_description: error.message
		});
	}
	res.writeHead(303, { location: `${target}#${fragment}` }).end();
}

const settings = (auth) => ({
	external: {
		anonymous_users: false,
		email: true,
		phone: true,
		apple: false,
		azure: false,
		github: false,
		google: false
	},
	disable_signup: !auth.enableSignup,
	mailer_autoconfirm: !(auth.email.enableConfirmations ?? false),
	phone_autoconfirm: !(auth.sms.enableConfirmations ?? true),
	sms_provider: 'local-outbox',
	saml_enabled: false
});

/** Dispatches one request; returns `{status, body, headers}` or writes the response itself. */
async function route(ctx, req, res, url) {
	const { pathname: path, searchParams: query } = url;
	const method = req.method;
	const tx = (fn) => withTx(ctx.pool, fn);
	const userId = /^\/admin\/users\/([^/]+)$/.exec(path)?.[1];

	if (method === 'GET' && path === '/health') {
		return {
			body: {
				version: 'vafa-local',
				name: 'GoTrue',
				description: 'GoTrue-compatible auth for the Vafa local stack (local use only)'
			}
		};
	}
	if (method === 'GET' && path === '/settings') return { body: settings(ctx.auth) };
	if (method === 'GET' && path === '/_local/outbox')
		return { body: await readOutbox(ctx.pool, query.get('to')) };
	if (method === 'POST' && path === '/_local/outbox') {
		requireAdmin(ctx, req);
		const body = await readJson(req);
		return { body: await tx((db) => writeOutbox(ctx, db, body)) };
	}
	if (method === 'GET' && path === '/verify') return verifyLink(ctx, req, res, query);
	if (method === 'GET' && path === '/user') {
		return {
			body: await tx(async (db) => loadUserJson(db, (await authenticate(ctx, db, req)).user.id))
		};
	}
	if (method === 'POST' && path === '/logout') {
		const scope = query.get('scope') || 'global';
		if (!['global', 'local', 'others'].includes(scope)) {
			throw badRequest(
				'validation_failed',
				`Unsupported logout scope "${scope}": use global, local or others`
			);
		}
		await tx(async (db) => {
			const { user, session } = await authenticate(ctx, db, req);
			await logout(db, user, session, scope);
		});
		return { status: 204 };
	}
	if (path.startsWith('/admin/')) requireAdmin(ctx, req);
	if (method === 'GET' && path === '/admin/users') return tx((db) => listUsers(ctx, db, query));
	if (method === 'GET' && userId) return { body: await getUser(ctx.pool, userId) };

	if (!['POST', 'PUT', 'DELETE'].includes(method))
		throw new AuthError(404, 'not_found', `No route for ${method} ${path}`);
	const body = await readJson(req);
	if (method === 'POST' && path === '/otp') {
		const target = otpTarget(body);
		return { body: await tx((db) => requestOtp(ctx, db, body, target)) };
	}
	if (method === 'POST' && path === '/verify')
		return { body: await tx((db) => verifyOtp(ctx, db, req, body)) };
	if (method === 'POST' && path === '/token') {
		const grant = query.get('grant_type');
		if (grant === 'password') return { body: await tx((db) => passwordGrant(ctx, db, req, body)) };
		if (grant === 'refresh_token')
			return { body: await tx((db) => refreshGrant(ctx, db, body.refresh_token)) };
		throw badRequest('invalid_credentials', `unsupported_grant_type: ${grant ?? '(none)'}`);
	}
	if (method === 'PUT' && path === '/user')
		return { body: await tx((db) => updateSelf(ctx, db, req, body)) };
	if (method === 'POST' && path === '/admin/users')
		return { body: await tx((db) => createUser(ctx, db, body)) };
	if (method === 'PUT' && userId)
		return { body: await tx((db) => updateUserById(ctx, db, userId, body)) };
	if (method === 'DELETE' && userId)
		return { body: await tx((db) => deleteUser(db, userId, body)) };
	throw new AuthError(404, 'not_found', `No route for ${method} ${path}`);
}

/** The request listener the stack mounts behind the gateway's /auth/v1 (local use only). */
export function createAuthHandler({ pool, auth, jwtSecret, issuer, log = () => {} }) {
	const ctx = { pool, auth, jwtSecret, issuer, log };
	return (req, res) => {
		const started = Date.now();
		const url = new URL(req.url ?? '/', 'http://auth.local');
		const path = url.pathname.replace(/\/+$/, '') || '/';
		url.pathname = path;
		route(ctx, req, res, url)
			.then((result) => {
				if (!result || res.headersSent) return;
				const status = result.status ?? 200;
				if (status === 204) res.writeHead(204, result.headers).end();
				else
					res
						.writeHead(status, { 'content-type': 'application/json', ...result.headers })
						.end(JSON.stringify(result.body));
			})
			.catch((error) => {
				if (!(error instanceof AuthError)) {
					log(`error on ${req.method} ${path}: ${error.stack ?? error}`);
					error = new AuthError(
						500,
						'unexpected_failure',
						'Unexpected failure, please check the auth log'
					);
				}
				if (!res.headersSent) sendError(req, res, error);
			})
			.finally(() => log(`${req.method} ${path} ${res.statusCode} ${Date.now() - started}ms`));
	};
}
