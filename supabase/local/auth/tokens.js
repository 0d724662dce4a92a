/** Local stack only: GoTrue's sessions, HS256 access tokens and rotating refresh tokens. */
import { randomInt, randomUUID } from 'node:crypto';
import { sign, verify } from '../jwt.js';
import { AuthError, badRequest, forbidden } from './errors.js';
import { findUser, identitiesOf, userJson } from './users.js';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A refresh token in GoTrue's default format: 12 random lowercase base32 characters. */
export function newRefreshToken() {
	return Array.from({ length: 12 }, () => BASE32[randomInt(BASE32.length)]).join('');
}

/** Signs the access token of `user` in `sessionId` with GoTrue's claims. */
export function accessToken(ctx, user, sessionId, amr, now = Math.floor(Date.now() / 1000)) {
	const claims = {
		aud: 'authenticated',
		exp: now + ctx.auth.jwtExpiry,
		iat: now,
		iss: ctx.issuer,
		sub: user.id,
		email: user.email ?? '',
		phone: user.phone ?? '',
		app_metadata: user.raw_app_meta_data ?? {},
		user_metadata: user.raw_user_meta_data ?? {},
		role: user.role || 'authenticated',
		aal: 'aal1',
		amr,
		session_id: sessionId,
		is_anonymous: user.is_anonymous ?? false
	};
	return { token: sign(claims, ctx.jwtSecret), expiresAt: claims.exp };
}

/** The Session JSON supabase-js stores. */
async function sessionJson(ctx, db, user, sessionId, refreshToken) {
	const { rows } = await db.query(
		'select method, extract(epoch from created_at)::bigint as timestamp from auth_local.amr_claims where session_id = $1 order by created_at',
		[sessionId]
	);
	const amr = rows.map((r) => ({ method: r.method, timestamp: Number(r.timestamp) }));
	const { token, expiresAt } = accessToken(ctx, user, sessionId, amr);
	return {
		access_token: token,
		token_type: 'bearer',
		expires_in: ctx.auth.jwtExpiry,
		expires_at: expiresAt,
		refresh_token: refreshToken,
		user: userJson(user, await identitiesOf(db, user.id))
	};
}

/** Starts a session for `user` signed in by `method` ('password' or 'otp') and returns the Session JSON. */
export async function startSession(ctx, db, req, user, method) {
	const sessionId = randomUUID();
	const refresh = newRefreshToken();
	await db.query(
		`insert into auth.sessions (id, user_id, created_at, updated_at, aal, refreshed_at, user_agent, ip)
		 values ($1, $2, now(), now(), 'aal1', now() at time zone 'utc', $3, $4)`,
		[sessionId, user.id, req.headers['user-agent'] ?? null, clientIp(req)]
	);
	await db.query('insert into auth_local.amr_claims (session_id, method) values ($1, $2)', [
		sessionId,
		method
	]);
	await db.query(
		`insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, session_id)
		 values ($1, $2, $3, false, now(), now(), $4)`,
		[user.instance_id, refresh, user.id, sessionId]
	);
	const signedIn = await db.query(
		'update auth.users set last_sign_in_at = now(), updated_at = now() where id = $1 returning *',
		[user.id]
	);
	return sessionJson(ctx, db, signedIn.rows[0], sessionId, refresh);
}

function clientIp(req) {
	const ip = req.socket?.remoteAddress ?? null;
	return ip?.startsWith('::ffff:') ? ip.slice(7) : ip;
}

/**
 * The refresh_token grant: rotates the token, returns the active child when the revoked parent is
 * replayed, allows replays within the reuse interval, and otherwise revokes the whole family.
 */
export async function refreshGrant(ctx, db, refreshToken) {
	if (typeof refreshToken !== 'string' || refreshToken === '') {
		throw badRequest('validation_failed', 'refresh_token required');
	}
	if (refreshToken.length < 12 || !/^[a-z0-9_-]+$/i.test(refreshToken)) {
		throw badRequest('validation_failed', 'Invalid Refresh Token: malformed');
	}
	const { rows } = await db.query('select * from auth.refresh_tokens where token = $1 for update', [
		refreshToken
	]);
	const token = rows[0];
	if (!token)
		throw badRequest('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
	const user = await findUser(db, 'id', token.user_id);
	if (!user)
		throw badRequest('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
	if (user.banned_until && user.banned_until > new Date()) {
		throw badRequest('user_banned', 'Invalid Refresh Token: User Banned');
	}
	const session = token.session_id
		? (await db.query('select * from auth.sessions where id = $1 for update', [token.session_id]))
				.rows[0]
		: null;
	if (!session)
		throw badRequest('session_not_found', 'Invalid Refresh Token: No Valid Session Found');
	if (session.not_after && session.not_after < new Date()) {
		throw badRequest('session_expired', 'Invalid Refresh Token: Session Expired');
	}

	let issued = null;
	if (token.revoked) {
		const active = (
			await db.query(
				'select * from auth.refresh_tokens where session_id = $1 and revoked = false order by id desc limit 1',
				[session.id]
			)
		).rows[0];
		if (active && active.parent === token.token) {
			// The client lost the response of its last refresh: hand back the token it missed.
			issued = active.token;
		} else {
			const reuseUntil = token.updated_at.getTime() + ctx.auth.refreshTokenReuseInterval * 1000;
			if (Date.now() > reuseUntil) {
				// Stricter than GoTrue, whose revoked family stays replayable within the interval: a replay
				// outside it means a stolen token, so the whole session ends.
				await db.query('update auth.refresh_tokens set revoked = true where session_id = $1', [
					session.id
				]);
				await db.query(
					'update auth.sessions set not_after = now(), updated_at = now() where id = $1',
					[session.id]
				);
				ctx.log(`refresh token reused outside the reuse interval: ended session ${session.id}`);
				throw new AuthError(
					400,
					'refresh_token_already_used',
					'Invalid Refresh Token: Already Used',
					{},
					true
				);
			}
		}
	}
	if (!issued) {
		issued = newRefreshToken();
		await db.query(
			'update auth.refresh_tokens set revoked = true, updated_at = now() where id = $1',
			[token.id]
		);
		await db.query(
			`insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
			 values ($1, $2, $3, false, now(), now(), $4, $5)`,
			[token.instance_id, issued, token.user_id, token.token, session.id]
		);
	}
	await db.query(
		`update auth.sessions set refreshed_at = now() at time zone 'utc', updated_at = now() where id = $1`,
		[session.id]
	);
	return sessionJson(ctx, db, user, session.id, issued);
}

const JWT_REASONS = {
	expired: 'invalid JWT: unable to parse or verify signature, token is expired',
	bad_signature: 'invalid JWT: unable to parse or verify signature, signature is invalid',
	malformed: 'invalid JWT: unable to parse or verify signature, token is malformed',
	unsupported_alg: 'invalid JWT: unable to parse or verify signature, signing method is not HS256'
};

/** The bearer token's verified claims, or 401 no_authorization / 403 bad_jwt. */
export function bearerClaims(ctx, req) {
	const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
	if (!match)
		throw new AuthError(401, 'no_authorization', 'This endpoint requires a valid Bearer token');
	const { claims, error } = verify(match[1], ctx.jwtSecret);
	if (error) throw forbidden('bad_jwt', JWT_REASONS[error] ?? `invalid JWT: ${error}`);
	return claims;
}

/** The signed-in user and session behind the bearer token, as GoTrue's requireAuthentication loads them. */
export async function authenticate(ctx, db, req) {
	const claims = bearerClaims(ctx, req);
	if (typeof claims.sub !== 'string' || claims.sub === '') {
		throw forbidden('bad_jwt', 'invalid claim: missing sub claim');
	}
	const user = /^[0-9a-f-]{36}$/i.test(claims.sub) ? await findUser(db, 'id', claims.sub) : null;
	if (!user) throw forbidden('user_not_found', 'User from sub claim in JWT does not exist');
	let session = null;
	if (claims.session_id) {
		session = (await db.query('select * from auth.sessions where id = $1', [claims.session_id]))
			.rows[0];
		if (!session)
			throw forbidden('session_not_found', 'Session from session_id claim in JWT does not exist');
	}
	return { claims, user, session };
}

/** Ends sessions of `user` for a logout `scope`: global (all), local (this one) or others. */
export async function logout(db, user, session, scope) {
	if (scope === 'global' || !session) {
		await db.query('delete from auth.sessions where user_id = $1', [user.id]);
	} else if (scope === 'local') {
		await db.query('delete from auth.sessions where id = $1', [session.id]);
	} else {
		await db.query('delete from auth.sessions where user_id = $1 and id <> $2', [
			user.id,
			session.id
		]);
	}
}
