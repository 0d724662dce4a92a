/**
 * Lotteries: entries from purchases and from points (debited once under retries), commit-reveal
 * draws whose winners the shared TypeScript recomputes exactly as SQL drew them, prizes issued as
 * redemption codes, winners' notifications recorded, and scheduled and periodic draws.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
	formatList,
	pickWinners,
	sha256Hex,
	verifyDraw,
	type LotteryEntry,
	type LotteryProof
} from '../../supabase/functions/_shared/lottery';
import {
	addReward,
	balance,
	expectCode,
	expectRefused,
	newCustomer,
	ok,
	topUpPoints,
	useWorld
} from './ledger-helpers';
import type { World } from './world';

const world = useWorld();
const HOUR = 3_600_000;

async function openLottery(w: World, fields: Record<string, unknown> = {}) {
	return ok(
		await w.x.manager.client.rpc('create_lottery', {
			p_program_id: w.x.id,
			p_title: 'Yalda draw',
			p_closes_at: new Date(Date.now() + HOUR).toISOString(),
			p_spend_per_entry: 10_000,
			p_points_per_entry: 10,
			p_max_points_entries: 5,
			p_winners: 2,
			...fields
		})
	);
}

describe('the SQL draw and the shared TypeScript', () => {
	it('pick the same winners for random seeds and lists', async () => {
		const w = world();
		for (let round = 0; round < 40; round++) {
			const seed = randomBytes(32).toString('hex');
			const holders = Array.from({ length: randomInt(1, 8) }, () => randomBytes(8).toString('hex'));
			const entries: LotteryEntry[] = Array.from({ length: randomInt(0, 25) }, (_, i) => ({
				ordinal: i + 1,
				holder: holders[randomInt(0, holders.length)],
				tickets: randomInt(1, round % 2 ? 5 : 100_000)
			}));
			const count = randomInt(1, 6);
			const { rows } = await w.db.query(
				`select rank, holder, ticket::bigint::text as ticket
				 from private.lottery_pick($1, $2, $3::text[], $4::bigint[], $5)`,
				[
					seed,
					await sha256Hex(formatList(entries)),
					entries.map((e) => e.holder),
					entries.map((e) => e.tickets),
					count
				]
			);
			const ts = await pickWinners(seed, entries, count);
			expect(rows.map((r) => ({ ...r, ticket: Number(r.ticket) }))).toEqual(ts);
			expect(ts.length).toBe(Math.min(count, new Set(entries.map((e) => e.holder)).size));
		}
	});
});

describe('the private engagement tables', () => {
	it('give no API role any privilege, and have row-level security on', async () => {
		const { rows } = await world().db.query(
			`select c.relname, c.relrowsecurity as rls,
			   bool_or(has_table_privilege(r, c.oid, 'select,insert,update,delete,truncate')) as any
			 from pg_class c, unnest(array['anon', 'authenticated', 'service_role']) r
			 where c.relnamespace = 'private'::regnamespace and c.relkind = 'r'
			   and c.relname in ('lottery_seeds', 'club_phones', 'engagement_notices')
			 group by c.relname, c.relrowsecurity order by 1`
		);
		expect(rows).toEqual([
			{ relname: 'club_phones', rls: true, any: false },
			{ relname: 'engagement_notices', rls: true, any: false },
			{ relname: 'lottery_seeds', rls: true, any: false }
		]);
	});
});

describe('a lottery', () => {
	it('publishes only the seed’s hash while open, and the seed nowhere an API role can read', async () => {
		const w = world();
		const lottery = await openLottery(w);
		expect(lottery.seed_hash).toMatch(/^[0-9a-f]{64}$/);
		expect(lottery.seed).toBeNull();
		const { data } = await w.a.client.from('lotteries').select('*').eq('id', lottery.id);
		expect(data).toEqual([expect.objectContaining({ seed: null, seed_hash: lottery.seed_hash })]);
		const { error } = await w.service
			.schema('private' as 'public')
			.from('lottery_seeds')
			.select();
		expect(error).not.toBeNull();
		expectCode(
			await w.a.client.rpc('lottery_proof', { p_lottery_id: lottery.id }),
			'VAFA_LOTTERY_NOT_DRAWN'
		);
	});

	it('debits points for entries exactly once under retries, within the per-member limit', async () => {
		const w = world();
		const lottery = await openLottery(w);
		await topUpPoints(w, w.a.memberId, 100);
		const before = await balance(w, w.a.memberId, 'points');
		const key = w.key();
		const answers = await Promise.all(
			Array.from({ length: 5 }, () =>
				w.a.client.rpc('enter_lottery', {
					p_lottery_id: lottery.id,
					p_entries: 3,
					p_idempotency_key: key
				})
			)
		);
		for (const answer of answers) expect(ok(answer).entry_id).toBe(ok(answers[0]).entry_id);
		expect(await balance(w, w.a.memberId, 'points')).toBe(before - 30);
		const { rows } = await w.db.query(
			`select count(*)::int as n, sum(tickets)::int as tickets from public.lottery_entries
			 where lottery_id = $1 and member_id = $2`,
			[lottery.id, w.a.memberId]
		);
		expect(rows[0]).toEqual({ n: 1, tickets: 3 });

		await expectRefused(
			w,
			() =>
				w.a.client.rpc('enter_lottery', {
					p_lottery_id: lottery.id,
					p_entries: 3,
					p_idempotency_key: w.key()
				}),
			'VAFA_LOTTERY_LIMIT_REACHED'
		);
		await expectRefused(
			w,
			() =>
				w.y.customer.client.rpc('enter_lottery', {
					p_lottery_id: lottery.id,
					p_entries: 1,
					p_idempotency_key: w.key()
				}),
			'VAFA_LOTTERY_NOT_FOUND'
		);
		const poor = await newCustomer(w);
		await expectRefused(
			w,
			() =>
				poor.client.rpc('enter_lottery', {
					p_lottery_id: lottery.id,
					p_entries: 1,
					p_idempotency_key: w.key()
				}),
			'VAFA_INSUFFICIENT_POINTS'
		);
	});

	it('draws winners anyone can recompute from the revealed seed, and issues their prizes', async () => {
		const w = world();
		const prize = await addReward(w, { name: 'Yalda hamper', points_cost: 500, stock: 5 });
		// Opens now, so purchases of the tests before this one are outside its window.
		const lottery = await openLottery(w, { p_prize_reward_id: prize, p_winners: 3 });
		const opensAt = new Date(lottery.opens_at);
		const players = await Promise.all(Array.from({ length: 5 }, () => newCustomer(w)));
		for (const [i, player] of players.entries()) {
			await w.earn(player.memberId, 5, { amount: 10_000 * (i + 1) + 9_999 });
		}
		// Before the window: no entries.
		await w.earn(w.b.memberId, 5, { amount: 90_000, now: new Date(opensAt.getTime() - 1000) });
		await w.db.query(`select public.adjust_balance($1, 50, 'lottery points', $2)`, [
			w.a.memberId,
			w.key()
		]);
		ok(
			await w.a.client.rpc('enter_lottery', {
				p_lottery_id: lottery.id,
				p_entries: 2,
				p_idempotency_key: w.key()
			})
		);
		const mine = ok(
			await players[4].client.rpc('my_lotteries', { p_member_id: players[4].memberId })
		);
		expect(mine.lotteries).toContainEqual(
			expect.objectContaining({ id: lottery.id, open: true, my_purchase_entries: 5 })
		);

		await expectRefused(
			w,
			() => w.x.manager.client.rpc('draw_lottery', { p_lottery_id: lottery.id }),
			'VAFA_LOTTERY_NOT_CLOSED'
		);
		expectCode(
			await w.x.cashier.client.rpc('draw_lottery', { p_lottery_id: lottery.id }),
			'VAFA_FORBIDDEN'
		);
		const run = ok(
			await w.service.rpc('run_due_draws', {
				p_now: new Date(Date.now() + 2 * HOUR).toISOString()
			})
		);
		expect(run.drawn).toContain(lottery.id);

		const proof = ok(
			await players[0].client.rpc('lottery_proof', { p_lottery_id: lottery.id })
		) as LotteryProof;
		expect(proof.seed_hash).toBe(lottery.seed_hash);
		expect(await sha256Hex(proof.seed)).toBe(lottery.seed_hash);
		// 1 + 2 + 3 + 4 + 5 tickets from purchases and 2 from points: 6 entries, 17 tickets.
		expect(proof.list.split('\n')).toHaveLength(6);
		const verified = await verifyDraw(proof);
		expect(verified).toEqual({ ok: true, winners: proof.winners });
		expect(proof.winners).toHaveLength(3);

		// A seed other than the committed one fails, as does a list edited after the draw.
		const tampered = randomBytes(32).toString('hex');
		expect(await verifyDraw({ ...proof, seed: tampered })).toMatchObject({
			ok: false,
			reason: 'seed_hash'
		});
		expect(
			await verifyDraw({ ...proof, seed: tampered, seed_hash: await sha256Hex(tampered) })
		).toMatchObject({ ok: false });
		const edited = proof.list.replace(/:(\d+)$/, (_, n) => `:${Number(n) + 1}`);
		expect(await verifyDraw({ ...proof, list: edited })).toMatchObject({
			ok: false,
			reason: 'entries_hash'
		});

		const { rows } = await w.db.query(
			`select w.rank, w.prize_status, d.points_cost::int, d.status::text, d.code ~ '^[2-9A-HJKMNP-Z]{8}$' as coded,
			   (select count(*)::int from private.engagement_notices n
			     where n.member_id = w.member_id and n.template = 'lottery.won' and n.params ->> 'code' = d.code) as notices
			 from public.lottery_winners w join public.redemptions d on d.id = w.redemption_id
			 where w.lottery_id = $1 order by w.rank`,
			[lottery.id]
		);
		expect(rows).toEqual(
			[1, 2, 3].map((rank) => ({
				rank,
				prize_status: 'issued',
				points_cost: 0,
				status: 'issued',
				coded: true,
				notices: 1
			}))
		);
		const stock = await w.db.query('select stock from public.rewards where id = $1', [prize]);
		expect(stock.rows[0].stock).toBe(2);

		// Drawn once: again is refused, and the scheduler passes it by.
		expectCode(
			await w.service.rpc('draw_lottery', {
				p_lottery_id: lottery.id,
				p_now: new Date(Date.now() + 3 * HOUR).toISOString()
			}),
			'VAFA_LOTTERY_DRAWN'
		);
		const again = ok(
			await w.service.rpc('run_due_draws', { p_now: new Date(Date.now() + 3 * HOUR).toISOString() })
		);
		expect(again.drawn).not.toContain(lottery.id);
	});

	it('opens the next round of a periodic draw with a new committed seed', async () => {
		const w = world();
		const lottery = await openLottery(w, { p_repeat_days: 7 });
		const drawn = ok(
			await w.service.rpc('draw_lottery', {
				p_lottery_id: lottery.id,
				p_now: new Date(Date.now() + 2 * HOUR).toISOString()
			})
		);
		expect(drawn.winners).toEqual([]);
		const { rows } = await w.db.query(
			`select opens_at, closes_at, seed_hash, seed, status::text from public.lotteries where id = $1`,
			[drawn.next_id]
		);
		expect(rows[0]).toMatchObject({ seed: null, status: 'open' });
		expect(rows[0].seed_hash).not.toBe(lottery.seed_hash);
		expect(rows[0].opens_at.toISOString()).toBe(new Date(lottery.closes_at).toISOString());
		expect(rows[0].closes_at.getTime() - rows[0].opens_at.getTime()).toBe(7 * 24 * HOUR);
	});

	it('lets only managers create draws, with sensible settings', async () => {
		const w = world();
		expectCode(
			await w.x.cashier.client.rpc('create_lottery', {
				p_program_id: w.x.id,
				p_title: 'Nope',
				p_closes_at: new Date(Date.now() + HOUR).toISOString(),
				p_points_per_entry: 10
			}),
			'VAFA_FORBIDDEN'
		);
		await expectRefused(
			w,
			() =>
				w.x.manager.client.rpc('create_lottery', {
					p_program_id: w.x.id,
					p_title: 'No way in',
					p_closes_at: new Date(Date.now() + HOUR).toISOString()
				}),
			'VAFA_INVALID_REQUEST'
		);
		await expectRefused(
			w,
			() =>
				w.x.manager.client.rpc('create_lottery', {
					p_program_id: w.x.id,
					p_title: 'Backwards',
					p_closes_at: new Date(Date.now() - HOUR).toISOString(),
					p_points_per_entry: 10
				}),
			'VAFA_INVALID_REQUEST'
		);
	});
});
