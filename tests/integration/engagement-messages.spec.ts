/**
 * Referrals and draws owe members messages (20261123000900): a club with the template sends them
 * through the outbox once per dedupe key, to the winner's inbox in their own words; a club without
 * it records the notice and sends nothing; and draws run with the other scheduled jobs.
 */
import { describe, expect, it } from 'vitest';
import { addReward, newCustomer, ok, useWorld } from './ledger-helpers';
import type { World } from './world';

const world = useWorld();
const HOUR = 3_600_000;

async function addTemplate(w: World, programId: string, key: string) {
	await w.db.query(
		`insert into public.message_templates (program_id, key, locale, channels, title, body)
		 values ($1, $2, 'fa', '{inbox}', 'برنده شدید', '{name}: {prize}، کد {code}')`,
		[programId, key]
	);
}

/** A one-winner draw in club X (by its manager) or Y (by its owner), drawn by the scheduler's call. */
async function drawOneWinner(w: World, club: 'x' | 'y' = 'x') {
	const programId = club === 'x' ? w.x.id : w.y.id;
	const manager = club === 'x' ? w.x.manager : w.y.owner;
	const prize = await addReward(w, { name: 'Yalda hamper', points_cost: 500, stock: 5 }, programId);
	const lottery = ok(
		await manager.client.rpc('create_lottery', {
			p_program_id: programId,
			p_title: 'Yalda draw',
			p_closes_at: new Date(Date.now() + HOUR).toISOString(),
			p_spend_per_entry: 10_000,
			p_points_per_entry: 10,
			p_max_points_entries: 5,
			p_winners: 1,
			p_prize_reward_id: prize
		})
	);
	const player = await newCustomer(w, club === 'x' ? w.x.slug : w.y.slug);
	await w.earn(player.memberId, 5, { amount: 20_000, programId });
	const run = ok(
		await w.service.rpc('run_due_draws', { p_now: new Date(Date.now() + 2 * HOUR).toISOString() })
	);
	expect(run.drawn).toContain(lottery.id);
	return { lottery, player };
}

describe('messages owed by draws', () => {
	it('reach the winner’s inbox once, with the prize code, when the club has the template', async () => {
		const w = world();
		await addTemplate(w, w.x.id, 'lottery_won');
		const { lottery, player } = await drawOneWinner(w);
		const { rows } = await w.db.query(
			`select i.body, d.code from public.inbox_messages i
			 join public.lottery_winners lw on lw.member_id = i.member_id and lw.lottery_id = $1
			 join public.redemptions d on d.id = lw.redemption_id
			 where i.member_id = $2`,
			[lottery.id, player.memberId]
		);
		expect(rows).toHaveLength(1);
		expect(rows[0].body).toContain(rows[0].code);
		// The winner reads it through the API like any inbox message.
		const mine = await player.client.from('inbox_messages').select('body');
		expect(mine.data).toEqual([{ body: rows[0].body }]);

		// Owing it again (a replayed draw step) queues nothing new.
		await w.db.query(`select private.engagement_notify($1, $2, 'lottery.won', '{}', $3)`, [
			w.x.id,
			player.memberId,
			`lottery-won:${lottery.id}:${player.memberId}`
		]);
		const again = await w.db.query(
			'select count(*)::int as n from public.messages where member_id = $1',
			[player.memberId]
		);
		expect(again.rows[0].n).toBe(1);
	});

	it('are recorded but not sent for a club without the template', async () => {
		const w = world();
		const { player } = await drawOneWinner(w, 'y');
		const { rows } = await w.db.query(
			`select (select count(*)::int from private.engagement_notices where member_id = $1) as owed,
			        (select count(*)::int from public.messages where member_id = $1) as sent`,
			[player.memberId]
		);
		expect(rows[0]).toEqual({ owed: 1, sent: 0 });
	});
});

describe('the draws job', () => {
	it('is declared with the other scheduled jobs, calling run_due_draws', async () => {
		const { rows } = await world().db.query(
			`select schedule, kind, target, enabled from private.jobs where name = 'draws'`
		);
		expect(rows).toEqual([
			{ schedule: '*/5 * * * *', kind: 'rpc', target: 'run_due_draws', enabled: true }
		]);
	});
});

describe('the analytics job', () => {
	it('rolls the finished days up nightly with the other scheduled jobs', async () => {
		const { rows } = await world().db.query(
			`select schedule, kind, target from private.jobs where name = 'analytics'`
		);
		expect(rows).toEqual([{ schedule: '30 0 * * *', kind: 'rpc', target: 'refresh_analytics' }]);
	});
});
