import { describe, expect, it } from 'vitest';
import { addReward, DAY, expectCode, newCustomer, ok, useWorld } from './ledger-helpers';

const world = useWorld();

describe('my history', () => {
	it('pages through every entry exactly once, newest first, by keyset', async () => {
		const w = world();
		const c = await newCustomer(w);
		for (let i = 1; i <= 6; i++) {
			// Three lines in one purchase share one timestamp, so the id must break the tie.
			await w.db.query(`select public.record_purchase($1, $2, 1000, $3, $4, p_now => $5)`, [
				w.x.id,
				c.memberId,
				JSON.stringify([1, 2, 3].map((n) => ({ points: n * i, reason_key: 'rule.base', line: n }))),
				w.key(),
				new Date(Date.now() - (10 - i) * DAY)
			]);
		}
		ok(
			await w.x.cashier.client.rpc('wallet_topup', {
				p_member_id: c.memberId,
				p_amount: 500,
				p_idempotency_key: w.key()
			})
		);

		const seen: { id: number; created_at: string }[] = [];
		let cursor: { p_before_created_at?: string; p_before_id?: number } = {};
		for (let pages = 0; pages < 10; pages++) {
			const page = ok(
				await c.client.rpc('my_history', { p_member_id: c.memberId, p_limit: 4, ...cursor })
			);
			if (page.length === 0) break;
			seen.push(...page);
			const last = page[page.length - 1];
			cursor = { p_before_created_at: last.created_at, p_before_id: last.id };
		}

		const { rows } = await w.db.query(
			'select id::int from public.ledger_entries where member_id = $1 order by created_at desc, id desc',
			[c.memberId]
		);
		expect(rows).toHaveLength(19);
		expect(seen.map((e) => e.id)).toEqual(rows.map((r) => r.id));
		expect(seen[0]).toMatchObject({ kind: 'topup', account: 'wallet', amount: 500 });
		expect(seen[1]).toMatchObject({ kind: 'earn', purchase: { amount: 1000 } });
	});

	it('shows nobody else’s history and refuses a page size outside 1 to 100', async () => {
		const w = world();
		expectCode(
			await w.b.client.rpc('my_history', { p_member_id: w.a.memberId }),
			'VAFA_MEMBER_NOT_FOUND'
		);
		expectCode(
			await w.x.owner.client.rpc('my_history', { p_member_id: w.a.memberId }),
			'VAFA_MEMBER_NOT_FOUND'
		);
		for (const limit of [0, 101]) {
			expectCode(
				await w.a.client.rpc('my_history', { p_member_id: w.a.memberId, p_limit: limit }),
				'VAFA_INVALID_REQUEST'
			);
		}
	});
});

describe('the catalogue', () => {
	it('marks each reward by tier, affordability, stock and the member’s limit left', async () => {
		const w = world();
		const c = await newCustomer(w);
		await w.earn(c.memberId, 150);
		const cheap = await addReward(w, { name: 'Cheap', points_cost: 50, per_member_limit: 2 });
		const dear = await addReward(w, { name: 'Dear', points_cost: 500 });
		const gold = await addReward(w, { name: 'Gold', points_cost: 10, min_tier_rank: 2 });
		const gone = await addReward(w, { name: 'Gone', points_cost: 10, stock: 0 });
		await addReward(w, { name: 'Hidden', active: false });
		await addReward(w, {
			name: 'Over',
			valid_until: new Date(Date.now() - DAY),
			valid_from: new Date(Date.now() - 2 * DAY)
		});
		await addReward(w, { name: 'Elsewhere' }, w.y.id);
		ok(await c.client.rpc('redeem_reward', { p_reward_id: cheap, p_idempotency_key: w.key() }));

		const catalogue = ok(await c.client.rpc('catalogue', { p_member_id: c.memberId }));
		const byId = Object.fromEntries(catalogue.map((r: { id: string }) => [r.id, r]));

		expect(Object.keys(byId).sort()).toEqual(
			expect.arrayContaining([cheap, dear, gold, gone].sort())
		);
		expect(catalogue.map((r: { name: string }) => r.name)).not.toContain('Hidden');
		expect(catalogue.map((r: { name: string }) => r.name)).not.toContain('Over');
		expect(catalogue.map((r: { name: string }) => r.name)).not.toContain('Elsewhere');
		expect(byId[cheap]).toMatchObject({
			tier_ok: true,
			affordable: true,
			in_stock: true,
			limit_left: 1
		});
		expect(byId[dear]).toMatchObject({ tier_ok: true, affordable: false, limit_left: null });
		expect(byId[gold]).toMatchObject({ tier_ok: false, affordable: true });
		expect(byId[gone]).toMatchObject({ in_stock: false });

		expectCode(
			await w.b.client.rpc('catalogue', { p_member_id: c.memberId }),
			'VAFA_MEMBER_NOT_FOUND'
		);
	});
});

describe('my cards', () => {
	it('shows each membership with balances, progress to the next tier and what keeps this one', async () => {
		const w = world();
		const c = await newCustomer(w);
		await w.earn(c.memberId, 700);
		ok(await c.client.rpc('join_program', { p_program_slug: w.y.slug }));

		const cards = ok(await c.client.rpc('my_cards'));

		expect(cards).toHaveLength(2);
		const x = cards.find((card: { club: { id: string } }) => card.club.id === w.x.id);
		expect(x).toMatchObject({
			member_id: c.memberId,
			points: 700,
			wallet: 0,
			expiring_soon: 0,
			tier: {
				rank: 1,
				name: 'Silver',
				keep: { threshold: 500, window_days: 90, earned: 700, remaining: 0 }
			},
			next_tier: { rank: 2, name: 'Gold', threshold: 2000, earned: 700, remaining: 1300 }
		});
		const y = cards.find((card: { club: { id: string } }) => card.club.id === w.y.id);
		expect(y).toMatchObject({ points: 0, tier: { rank: 0 }, next_tier: null });
		expect(ok(await w.a.client.rpc('my_cards'))).toHaveLength(1);
	});

	it('counts points that expire within 30 days', async () => {
		const w = world();
		const c = await newCustomer(w);
		await w.earn(c.memberId, 80, { now: new Date(Date.now() - 350 * DAY) });
		await w.earn(c.memberId, 20);
		const [card] = ok(await c.client.rpc('my_cards'));
		expect(card).toMatchObject({ points: 100, expiring_soon: 80 });
	});
});

describe('joining a club', () => {
	it('records the friend whose referral code was used, and joins once', async () => {
		const w = world();
		const friend = await newCustomer(w);
		const c = await newCustomer(w, w.y.slug);
		const joined = ok(
			await c.client.rpc('join_program', {
				p_program_slug: w.x.slug,
				p_referral_code: ` ${friend.referralCode.toLowerCase()} `,
				p_display_name: 'Sara'
			})
		);
		expect(joined).toMatchObject({ joined: true, referred_by: friend.memberId });
		const again = ok(await c.client.rpc('join_program', { p_program_slug: w.x.slug }));
		expect(again).toMatchObject({ joined: false, member_id: joined.member_id });
	});

	it('refuses an unknown code, another club’s code and an unknown club, creating no member', async () => {
		const w = world();
		const c = await newCustomer(w, w.y.slug);
		const count = async () =>
			(await w.db.query('select count(*)::int as n from public.members where user_id = $1', [c.id]))
				.rows[0].n;
		for (const code of ['NOPE2345', w.y.customer.id.slice(0, 8)]) {
			expectCode(
				await c.client.rpc('join_program', { p_program_slug: w.x.slug, p_referral_code: code }),
				'VAFA_REFERRAL_CODE_UNKNOWN'
			);
		}
		const { rows } = await w.db.query('select referral_code from public.members where id = $1', [
			w.y.customer.memberId
		]);
		expectCode(
			await c.client.rpc('join_program', {
				p_program_slug: w.x.slug,
				p_referral_code: rows[0].referral_code
			}),
			'VAFA_REFERRAL_CODE_UNKNOWN'
		);
		expectCode(
			await c.client.rpc('join_program', { p_program_slug: 'no-such-club' }),
			'VAFA_PROGRAM_NOT_FOUND'
		);
		expectCode(
			await c.client.rpc('join_program', {
				p_program_slug: w.x.slug,
				p_display_name: 'x'.repeat(81)
			}),
			'VAFA_INVALID_REQUEST'
		);
		expect(await count()).toBe(1);
		const anon = await w.anon.rpc('join_program', { p_program_slug: w.x.slug });
		expect(anon.error).not.toBeNull();
	});
});
