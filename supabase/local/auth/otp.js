/** Local stack only: one-time codes by SMS and email, delivered to a local outbox instead of a provider. */
import { createHash, randomInt, randomUUID } from 'node:crypto';
import { AuthError, badRequest, tooManyRequests, unprocessable } from './errors.js';
import { asciiDigits, normalisePhone } from './phone.js';
import { startSession } from './tokens.js';
import {
	assertFree,
	findUser,
	insertUser,
	normaliseEmail,
	updateUser,
	upsertIdentity,
	withProvider
} from './users.js';

/** Wrong codes after which the outstanding code is void until a new one is requested. */
export const MAX_WRONG_CODES = 5;

/** GoTrue's stored form of a code: sha224 hex of the phone/email followed by the code. */
export const tokenHash = (address, code) =>
	createHash('sha224')
		.update(address + code)
		.digest('hex');

// Where each kind of code lives on auth.users and in auth.one_time_tokens.
const SLOTS = {
	confirmation: {
		column: 'confirmation_token',
		sentAt: 'confirmation_sent_at',
		type: 'confirmation_token'
	},
	recovery: { column: 'recovery_token', sentAt: 'recovery_sent_at', type: 'recovery_token' },
	phone_change: {
		column: 'phone_change_token',
		sentAt: 'phone_change_sent_at',
		type: 'phone_change_token'
	},
	email_change: {
		column: 'email_change_token_new',
		sentAt: 'email_change_sent_at',
		type: 'email_change_token_new'
	}
};

// Which slots a /verify type may match, and which user column holds the address it names.
const TYPES = {
	sms: { channel: 'sms', slots: ['confirmation'], lookup: 'phone' },
	phone_change: { channel: 'sms', slots: ['phone_change'], lookup: 'phone_change' },
	email: { channel: 'email', slots: ['confirmation', 'recovery'], lookup: 'email' },
	signup: { channel: 'email', slots: ['confirmation'], lookup: 'email' },
	invite: { channel: 'email', slots: ['confirmation'], lookup: 'email' },
	magiclink: { channel: 'email', slots: ['recovery'], lookup: 'email' },
	recovery: { channel: 'email', slots: ['recovery'], lookup: 'email' },
	email_change: { channel: 'email', slots: ['email_change'], lookup: 'email_change' }
};

const RATE_CODE = { sms: 'over_sms_send_rate_limit', email: 'over_email_send_rate_limit' };
const lock = (db, target) =>
	db.query('select pg_advisory_xact_lock(hashtext($1))', [`auth_local:${target}`]);

function newCode(length) {
	return Array.from({ length }, () => randomInt(10)).join('');
}

/** Enforces max_frequency and the hourly cap for `target`, then records the request. */
async function throttle(ctx, db, target, channel, capped) {
	await lock(db, target);
	const settings = ctx.auth[channel];
	const maxPerHour = settings.maxPerHour ?? 5;
	const { rows } = await db.query(
		`select extract(epoch from now() - max(created_at))::float as since_last, count(*)::int as last_hour,
		   extract(epoch from min(created_at) + interval '1 hour' - now())::float as window_left
		 from (select created_at from auth_local.otp_requests
		       where target = $1 and created_at > now() - interval '1 hour'
		       order by created_at desc limit $2) recent`,
		[target, maxPerHour]
	);
	const { since_last: sinceLast, last_hour: lastHour, window_left: windowLeft } = rows[0];
	if (sinceLast !== null && sinceLast < settings.maxFrequency) {
		const wait = Math.max(1, Math.ceil(settings.maxFrequency - sinceLast));
		throw tooManyRequests(
			RATE_CODE[channel],
			`For security purposes, you can only request this after ${wait} seconds.`
		);
	}
	if (capped && lastHour >= maxPerHour) {
		const wait = Math.max(1, Math.ceil(windowLeft));
		throw tooManyRequests(
			RATE_CODE[channel],
			`Too many codes requested for this ${channel === 'sms' ? 'phone number' : 'email address'} (at most ${maxPerHour} an hour). You can only request this after ${wait} seconds.`
		);
	}
	await db.query('insert into auth_local.otp_requests (target) values ($1)', [target]);
	await db.query('delete from auth_local.otp_failures where target = $1', [target]);
}

async function storeCode(db, user, slotName, address, hash) {
	const slot = SLOTS[slotName];
	await updateUser(db, user.id, { [slot.column]: hash, [slot.sentAt]: new Date() });
	await db.query(
		`insert into auth.one_time_tokens (id, user_id, token_type, token_hash, relates_to)
		 values ($1, $2, $3, $4, $5)
		 on conflict (user_id, token_type) do update
		   set token_hash = excluded.token_hash, relates_to = excluded.relates_to, updated_at = now()`,
		[randomUUID(), user.id, slot.type, hash, address]
	);
}

async function clearCode(db, userId, slotName) {
	const slot = SLOTS[slotName];
	await db.query(`update auth.users set ${slot.column} = '' where id = $1`, [userId]);
	await db.query('delete from auth.one_time_tokens where user_id = $1 and token_type = $2', [
		userId,
		slot.type
	]);
}

/** Writes a message to the outbox and the log, as a provider would have delivered it. */
async function deliver(ctx, db, channel, to, code, body) {
	const { rows } = await db.query(
		'insert into auth_local.outbox (channel, recipient, code, body) values ($1, $2, $3, $4) returning id',
		[channel, to, code, body]
	);
	ctx.log(`outbox #${rows[0].id} ${channel} to ${to}: ${body}`);
	return rows[0].id;
}

/** Issues a code for `address` into `slotName` of `user` and delivers it; returns the message id. */
async function sendCode(ctx, db, user, channel, address, slotName, linkType) {
	const testCode = channel === 'sms' ? ctx.auth.sms.testOtp[address] : undefined;
	await throttle(ctx, db, address, channel, testCode === undefined);
	const code = testCode ?? newCode(ctx.auth[channel].otpLength);
	const hash = tokenHash(address, code);
	await storeCode(db, user, slotName, address, hash);
	if (testCode !== undefined) {
		ctx.log(`sms to +${address}: test OTP from config.toml, nothing sent`);
		return 'test-otp';
	}
	if (channel === 'sms') {
		const text = ctx.auth.sms.template.replace(/\{\{\s*\.Code\s*\}\}/g, code);
		return `local-${await deliver(ctx, db, 'sms', `+${address}`, code, text)}`;
	}
	const link = `${ctx.issuer}/verify?token=${hash}&type=${linkType}&redirect_to=${encodeURIComponent(ctx.auth.siteUrl)}`;
	return `local-${await deliver(ctx, db, 'email', address, code, `Your Vafa code is ${code}. Or open ${link}`)}`;
}

/** The channel and normalised address of a POST /otp body; validates before any database work. */
export function otpTarget(body) {
	const given = (value) => value !== undefined && value !== null;
	if (given(body.phone) === given(body.email)) {
		throw badRequest(
			'validation_failed',
			'Only an email address or phone number should be provided'
		);
	}
	return given(body.phone)
		? { channel: 'sms', address: normalisePhone(body.phone) }
		: { channel: 'email', address: normaliseEmail(body.email) };
}

/** POST /otp: signs a phone or email user up if needed and sends them a code. */
export async function requestOtp(ctx, db, body, { channel, address } = otpTarget(body)) {
	let user = await findUser(db, channel === 'sms' ? 'phone' : 'email', address);
	const isNew = !user;
	if (isNew) {
		if (body.create_user === false || !ctx.auth.enableSignup || !ctx.auth[channel].enableSignup) {
			throw unprocessable('otp_disabled', 'Signups not allowed for otp');
		}
		if (body.data !== undefined && (typeof body.data !== 'object' || Array.isArray(body.data))) {
			throw badRequest('validation_failed', 'data must be a JSON object');
		}
		user = await insertUser(db, {
			[channel === 'sms' ? 'phone' : 'email']: address,
			userMetadata: body.data ?? {}
		});
	}
	const confirmed = channel === 'sms' ? user.phone_confirmed_at : user.email_confirmed_at;
	const slot = channel === 'email' && confirmed ? 'recovery' : 'confirmation';
	const messageId = await sendCode(
		ctx,
		db,
		user,
		channel,
		address,
		slot,
		slot === 'recovery' ? 'magiclink' : 'signup'
	);
	if (channel === 'email') return {};
	return messageId === 'test-otp' || (!isNew && confirmed) ? { message_id: messageId } : {};
}

/** Sends the code that confirms a new phone or email of a signed-in user (PUT /user). */
export async function requestChange(ctx, db, user, channel, address) {
	const column = channel === 'sms' ? 'phone_change' : 'email_change';
	await assertFree(db, channel === 'sms' ? 'phone' : 'email', address, user.id);
	await updateUser(db, user.id, { [column]: address });
	await sendCode(
		ctx,
		db,
		user,
		channel,
		address,
		column === 'phone_change' ? 'phone_change' : 'email_change',
		'email_change'
	);
}

const otpExpired = (message = 'Token has expired or is invalid', commit = true) =>
	new AuthError(403, 'otp_expired', message, {}, commit);

/** The slot of `user` that `token` opens for `type`, or null. */
function matchSlot(ctx, user, type, address, token) {
	const spec = TYPES[type];
	if (type === 'sms' && ctx.auth.sms.testOtp[address] === token) return 'confirmation';
	const hash = tokenHash(address, token);
	const expiry = ctx.auth[spec.channel].otpExpiry * 1000;
	return (
		spec.slots.find((name) => {
			const slot = SLOTS[name];
			const sentAt = user[slot.sentAt]?.getTime() ?? 0;
			return user[slot.column] === hash && Date.now() - sentAt < expiry;
		}) ?? null
	);
}

/** Confirms what the code proved and returns the updated user row. */
async function consume(db, user, slotName, channel) {
	await clearCode(db, user.id, slotName);
	const now = new Date();
	const app = user.raw_app_meta_data ?? {};
	let columns;
	if (slotName === 'phone_change') {
		await assertFree(db, 'phone', user.phone_change, user.id);
		columns = {
			phone: user.phone_change,
			phone_change: '',
			phone_confirmed_at: now,
			raw_app_meta_data: withProvider(app, 'phone')
		};
	} else if (slotName === 'email_change') {
		await assertFree(db, 'email', user.email_change, user.id);
		columns = {
			email: user.email_change,
			email_change: '',
			email_confirmed_at: now,
			raw_app_meta_data: withProvider(app, 'email')
		};
	} else if (channel === 'sms') {
		columns = user.phone_confirmed_at
			? {}
			: { phone_confirmed_at: now, raw_app_meta_data: withProvider(app, 'phone') };
	} else {
		columns = user.email_confirmed_at
			? {}
			: { email_confirmed_at: now, raw_app_meta_data: withProvider(app, 'email') };
	}
	const updated = await updateUser(db, user.id, columns);
	if (updated.phone) await upsertIdentity(db, updated, 'phone');
	if (updated.email) await upsertIdentity(db, updated, 'email');
	return updated;
}

/** POST /verify: checks a code (counting wrong ones) or a token hash and starts a session. */
export async function verifyOtp(ctx, db, req, body) {
	const spec = TYPES[body.type];
	if (!spec)
		throw badRequest(
			'validation_failed',
			`Unsupported verification type: ${body.type ?? '(none)'}`
		);
	if (body.token_hash && !body.phone && !body.email)
		return verifyTokenHash(ctx, db, req, body.type, body.token_hash);
	const token = typeof body.token === 'string' ? body.token.trim() : '';
	if (!token) throw badRequest('validation_failed', 'Verify requires a token or a token hash');
	const address = spec.channel === 'sms' ? normalisePhone(body.phone) : normaliseEmail(body.email);

	await lock(db, address);
	const { rows } = await db.query(
		'select failures from auth_local.otp_failures where target = $1',
		[address]
	);
	if ((rows[0]?.failures ?? 0) >= MAX_WRONG_CODES) {
		throw otpExpired(`Too many wrong codes: this code is void. Request a new code.`, false);
	}
	const user = await findUser(db, spec.lookup, address);
	const slot = user && matchSlot(ctx, user, body.type, address, asciiDigits(token));
	if (!slot) {
		const { rows: counted } = await db.query(
			`insert into auth_local.otp_failures (target, failures) values ($1, 1)
			 on conflict (target) do update set failures = auth_local.otp_failures.failures + 1, updated_at = now()
			 returning failures`,
			[address]
		);
		if (counted[0].failures >= MAX_WRONG_CODES) {
			for (const name of spec.slots) if (user) await clearCode(db, user.id, name);
			ctx.log(`otp for ${address}: ${MAX_WRONG_CODES} wrong codes, code void`);
			throw otpExpired(
				`Token has expired or is invalid. After ${MAX_WRONG_CODES} wrong codes this code is void: request a new code.`
			);
		}
		throw otpExpired();
	}
	await db.query('delete from auth_local.otp_failures where target = $1', [address]);
	return startSession(ctx, db, req, await consume(db, user, slot, spec.channel), 'otp');
}

/** Verifies an email link's token hash (no code to count: a hash cannot be guessed). */
export async function verifyTokenHash(ctx, db, req, type, hash) {
	const spec = TYPES[type];
	if (spec.channel !== 'email')
		throw badRequest('validation_failed', `token_hash is only valid for email types, not ${type}`);
	const expiry = ctx.auth.email.otpExpiry * 1000;
	for (const name of spec.slots) {
		const slot = SLOTS[name];
		const { rows } = await db.query(
			`select * from auth.users where ${slot.column} = $1 and deleted_at is null limit 1`,
			[String(hash)]
		);
		const user = rows[0];
		if (user && Date.now() - (user[slot.sentAt]?.getTime() ?? 0) < expiry) {
			return startSession(ctx, db, req, await consume(db, user, name, 'email'), 'otp');
		}
	}
	throw otpExpired('Email link is invalid or has expired', false);
}

/** GET /_local/outbox: newest messages first, optionally only those to one phone or email. */
export async function readOutbox(db, to) {
	let recipient = null;
	if (to) {
		recipient = to.includes('@') ? to.trim().toLowerCase() : `+${normalisePhone(to)}`;
	}
	const { rows } = await db.query(
		`select id, channel, recipient as "to", code, body, created_at from auth_local.outbox
		 where $1::text is null or recipient = $1 order by id desc limit 100`,
		[recipient]
	);
	return {
		messages: rows.map((r) => ({ ...r, id: Number(r.id), created_at: r.created_at.toISOString() }))
	};
}

/**
 * A message from the dispatcher's local provider (service role only): written once per `ref`;
 * a repeat returns the first row's id.
 */
export async function writeOutbox(ctx, db, body) {
	const { channel, recipient, ref } = body ?? {};
	const text = body?.body;
	if (!['sms', 'push'].includes(channel) || typeof recipient !== 'string' || !recipient) {
		throw new AuthError(400, 'validation_failed', 'Send {channel: sms|push, recipient, body, ref}');
	}
	if (typeof text !== 'string' || typeof ref !== 'string' || !ref) {
		throw new AuthError(400, 'validation_failed', 'Send {channel: sms|push, recipient, body, ref}');
	}
	const { rows } = await db.query(
		`with added as (
		   insert into auth_local.outbox (channel, recipient, code, body, ref) values ($1, $2, '', $3, $4)
		   on conflict (ref) do nothing returning id)
		 select id, true as added from added
		 union all select id, false from auth_local.outbox where ref = $4 and not exists (select 1 from added)`,
		[channel, recipient, text, ref]
	);
	if (rows[0].added) ctx.log(`outbox #${rows[0].id} ${channel} to ${recipient}: ${text}`);
	return { id: Number(rows[0].id), duplicate: !rows[0].added };
}
