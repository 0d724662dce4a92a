/**
 * The local scheduler runs the jobs declared in private.jobs: with its clock set to a quarter
 * hour, the win-back job launches a due campaign, each (job, minute) runs once even with two
 * schedulers, and cron expressions match as pg_cron's do (UTC).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createScheduler, parseCron } from '../../supabase/local/scheduler.js';
import { createWorld, type World } from './world';

let world: World;
let pool: pg.Pool;

beforeAll(async () => {
	world = await createWorld();
	pool = new pg.Pool({ connectionString: inject('stack').dbUrl, max: 3 });
});
afterAll(async () => {
	await pool.end();
	await world.end();
});

describe('cron expressions', () => {
	it('match minutes, steps, ranges and lists in UTC, and either day field when both are set', () => {
		const at = (iso: string) => new Date(iso);
		expect(parseCron('*/15 * * * *')(at('2026-11-23T10:45:00Z'))).toBe(true);
		expect(parseCron('*/15 * * * *')(at('2026-11-23T10:46:00Z'))).toBe(false);
		expect(parseCron('20 0 * * *')(at('2026-11-23T00:20:00Z'))).toBe(true);
		expect(parseCron('0 9-17 * * 1-5')(at('2026-11-22T12:00:00Z'))).toBe(false);
		expect(parseCron('0 9-17 * * 1-5')(at('2026-11-23T12:00:00Z'))).toBe(true);
		expect(parseCron('0 0 1 * 0')(at('2026-11-22T00:00:00Z'))).toBe(true);
		expect(() => parseCron('61 * * * *')).toThrow();
	});

	it('every declared job has a schedule the scheduler understands and a known kind', async () => {
		const { rows } = await world.db.query(
			'select name, schedule, kind from private.jobs order by name'
		);
		expect(rows.map((r) => r.name)).toEqual(
			expect.arrayContaining(['birthdays', 'dispatch', 'expire-points', 'tiers', 'winback'])
		);
		for (const row of rows) expect(() => parseCron(row.schedule)).not.toThrow();
	});
});

describe('the scheduler', () => {
	it('runs the win-back job at its minute: a due scheduled campaign is sent, once', async () => {
		const quarter = 15 * 60_000;
		const slot = new Date(Math.floor(Date.now() / quarter) * quarter);
		await world.db.query(
			`insert into public.message_templates (program_id, key, locale, channels, title, body)
			 values ($1, 'winback', 'fa', '{inbox}', 'سلام', 'برگرد')`,
			[world.x.id]
		);
		await world.db.query(
			`update public.members set last_activity_at = now() - interval '90 days' where id = $1`,
			[world.a.memberId]
		);
		const { rows } = await world.db.query(
			`insert into public.campaigns (program_id, name, template, min_days_inactive, control_percent, status, scheduled_for)
			 values ($1, 'Scheduled', 'winback', 30, 0, 'scheduled', $2) returning id`,
			[world.x.id, new Date(slot.getTime() - 60_000)]
		);
		const { url, serviceRoleKey } = inject('stack');
		const scheduler = createScheduler({ pool, url, serviceRoleKey, clock: () => slot });
		const ran = await scheduler.tick();
		// Other jobs may share the quarter hour (a draw every five minutes); these two must run.
		expect(ran.map((r: { job: string }) => r.job)).toEqual(
			expect.arrayContaining(['dispatch', 'winback'])
		);
		expect(ran.every((r: { ok: boolean }) => r.ok)).toBe(true);
		const campaign = await world.db.query(
			'select status, launched_at from public.campaigns where id = $1',
			[rows[0].id]
		);
		expect(campaign.rows[0].status).toBe('sent');
		expect(new Date(campaign.rows[0].launched_at).getTime()).toBe(slot.getTime());
		const runs = await world.db.query(
			`select job, ok from private.job_runs where scheduled_for = $1 and job in ('dispatch', 'winback') order by job`,
			[slot]
		);
		expect(runs.rows).toEqual([
			{ job: 'dispatch', ok: true },
			{ job: 'winback', ok: true }
		]);
		const second = createScheduler({ pool, url, serviceRoleKey, clock: () => slot });
		expect(await second.tick()).toEqual([]);
		const inbox = await world.db.query(
			'select count(*)::int as n from public.inbox_messages where member_id = $1',
			[world.a.memberId]
		);
		expect(inbox.rows[0].n).toBe(1);
	});
});
