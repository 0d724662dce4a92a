/**
 * Referrals end to end: a friend joins with a member's code, the checkout rewards both sides on
 * the friend's first purchase and never again, self-referral and a phone that was already a member
 * are refused with stable codes and change nothing, and the member sees invited / joined / rewarded.
 */
import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { anonClient } from './clients';
import { call } from './checkout-helpers';
import {
	balance,
	expectCode,
	expectRefused,
	newCustomer,
	ok,
	snapshot,
	useWorld
} from './ledger-helpers';
import { PASSWORD, type World } from './world';

const world = useWorld();
const RULES = {
	base: { points: 1, per: 1000 },
	referral: { referee_points: 30, referrer_points: 40 }
};

/** A signed-in user with a fresh phone who has not joined any club. */
async function stranger(w: World, phone = `+97255${randomInt(1_000_000, 10_000_000)}`) {
	const created = await w.service.auth.admin.createUser({
		phone,
		password: PASSWORD,
		phone_confirm: true
	});
	if (created.error) throw created.error;
	const client = anonClient();
	const signedIn = await client.auth.signInWithPassword({ phone, password: PASSWORD });
	if (signedIn.error) throw signedIn.error;
	return { id: created.data.user.id, phone, client };
}

async function checkout(w: World, phone: string, amount = 20_000) {
	const answer = await call('checkout', {
		as: w.x.cashier.client,
		body: { program: w.x.slug, card: phone, amount, idempotency_key: w.key() }
	});
	expect(answer.status, JSON.stringify(answer.body)).toBe(200);
	return answer.body.receipt;
}

async function referralRows(w: World) {
	const { rows } = await w.db.query(
		`select count(*)::int as n from public.referrals where program_id = $1`,
		[w.x.id]
	);
	return rows[0].n as number;
}

describe('a referral', () => {
	it('rewards both sides on the friend’s first purchase, exactly once', async () => {
		const w = world();
		await w.setRules(RULES);
		const referrer = await newCustomer(w);
		const friend = await stranger(w);
		const joined = ok(
			await friend.client.rpc('join_program', {
				p_program_slug: w.x.slug,
				p_referral_code: referrer.referralCode.toLowerCase()
			})
		);
		expect(joined.referred_by).toBe(referrer.memberId);

		const first = await checkout(w, friend.phone);
		expect(first.referrer_points).toBe(40);
		expect(await balance(w, referrer.memberId, 'points')).toBe(40);
		expect(await balance(w, joined.member_id, 'points')).toBe(20 + 30);

		// A second purchase and a replay of the first credit nothing more on either side.
		const second = await checkout(w, friend.phone);
		expect(second.referrer_points).toBe(0);
		expect(await balance(w, referrer.memberId, 'points')).toBe(40);
		expect(await balance(w, joined.member_id, 'points')).toBe(20 + 30 + 20);

		const { rows } = await w.db.query(
			`select referrer_points::int, referee_points::int, rewarded_at is not null as rewarded,
			   first_purchase_id = $2 as first
			 from public.referrals where referee_id = $1`,
			[joined.member_id, first.purchase_id]
		);
		expect(rows).toEqual([
			{ referrer_points: 40, referee_points: 30, rewarded: true, first: true }
		]);
		const notices = await w.db.query(
			`select template from private.engagement_notices where member_id = $1 order by id`,
			[referrer.memberId]
		);
		expect(notices.rows.map((r) => r.template)).toEqual(['referral.joined', 'referral.rewarded']);

		const mine = ok(await referrer.client.rpc('my_referrals', { p_member_id: referrer.memberId }));
		expect(mine).toMatchObject({
			code: referrer.referralCode,
			joined: 1,
			rewarded: 1,
			points_earned: 40,
			bonus: { referrer: 40, referee: 30 }
		});
	});

	it('credits the referrer once even when two first purchases race', async () => {
		const w = world();
		await w.setRules(RULES);
		const referrer = await newCustomer(w);
		const friend = await stranger(w);
		ok(
			await friend.client.rpc('join_program', {
				p_program_slug: w.x.slug,
				p_referral_code: referrer.referralCode
			})
		);
		const answers = await Promise.all(
			[1, 2].map(() =>
				call('checkout', {
					as: w.x.cashier.client,
					body: { program: w.x.slug, card: friend.phone, amount: 5_000, idempotency_key: w.key() }
				})
			)
		);
		const succeeded = answers.filter((a) => a.status === 200);
		expect(succeeded.length).toBeGreaterThanOrEqual(1);
		expect(await balance(w, referrer.memberId, 'points')).toBe(40);
	});

	it('refuses the member’s own code with VAFA_REFERRAL_SELF and changes nothing', async () => {
		const w = world();
		const { rows } = await w.db.query('select referral_code from public.members where id = $1', [
			w.a.memberId
		]);
		const before = await snapshot(w);
		expectCode(
			await w.a.client.rpc('join_program', {
				p_program_slug: w.x.slug,
				p_referral_code: rows[0].referral_code
			}),
			'VAFA_REFERRAL_SELF'
		);
		expect(await snapshot(w)).toEqual(before);
	});

	it('refuses a phone that was already a member, even on a new account, with VAFA_REFERRAL_PHONE_USED', async () => {
		const w = world();
		const referrer = await newCustomer(w);
		// Someone joined, then moved their account to another number and left the club ...
		const former = await newCustomer(w);
		const { rows } = await w.db.query(`select u.phone from auth.users u where u.id = $1`, [
			former.id
		]);
		const oldPhone = `+${rows[0].phone}`;
		await w.db.query(`update auth.users set phone = $2 where id = $1`, [
			former.id,
			`97256${randomInt(1_000_000, 10_000_000)}`
		]);
		await w.db.query('delete from public.members where id = $1', [former.memberId]);
		// ... and a second account on the old number tries to join as a referred newcomer.
		const second = await stranger(w, oldPhone);
		const referralsBefore = await referralRows(w);
		await expectRefused(
			w,
			() =>
				second.client.rpc('join_program', {
					p_program_slug: w.x.slug,
					p_referral_code: referrer.referralCode
				}),
			'VAFA_REFERRAL_PHONE_USED'
		);
		expect(await referralRows(w)).toBe(referralsBefore);
		// Joining without a code is still welcome.
		ok(await second.client.rpc('join_program', { p_program_slug: w.x.slug }));
	});

	it('refuses an existing member joining again with someone’s code, and their own code from a new account on their old phone', async () => {
		const w = world();
		const codeOfA = (
			await w.db.query('select referral_code from public.members where id = $1', [w.a.memberId])
		).rows[0].referral_code;
		await expectRefused(
			w,
			() => w.b.client.rpc('join_program', { p_program_slug: w.x.slug, p_referral_code: codeOfA }),
			'VAFA_REFERRAL_PHONE_USED'
		);

		// A's phone moves to a new account (A's account keeps its membership under another number).
		const phoneOfA = (await w.db.query('select phone from auth.users where id = $1', [w.a.id]))
			.rows[0].phone;
		await w.db.query('update auth.users set phone = $2 where id = $1', [
			w.a.id,
			`97257${randomInt(1_000_000, 10_000_000)}`
		]);
		const twin = await stranger(w, `+${phoneOfA}`);
		await expectRefused(
			w,
			() => twin.client.rpc('join_program', { p_program_slug: w.x.slug, p_referral_code: codeOfA }),
			'VAFA_REFERRAL_PHONE_USED'
		);
	});

	it('counts shares as invitations, one per ten seconds, for the member only', async () => {
		const w = world();
		const first = ok(
			await w.a.client.rpc('note_referral_share', { p_member_id: w.a.memberId, p_channel: 'copy' })
		);
		const again = ok(
			await w.a.client.rpc('note_referral_share', { p_member_id: w.a.memberId, p_channel: 'share' })
		);
		expect(again.invited).toBe(first.invited);
		expectCode(
			await w.b.client.rpc('note_referral_share', { p_member_id: w.a.memberId }),
			'VAFA_MEMBER_NOT_FOUND'
		);
		expectCode(
			await w.b.client.rpc('my_referrals', { p_member_id: w.a.memberId }),
			'VAFA_MEMBER_NOT_FOUND'
		);
		const mine = ok(await w.a.client.rpc('my_referrals', { p_member_id: w.a.memberId }));
		expect(mine.invited).toBe(first.invited);
	});
});
