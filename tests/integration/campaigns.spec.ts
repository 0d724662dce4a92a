/**
 * Win-back campaigns: the segment by days since the last visit, a control group held back by a
 * hash of the campaign's seed (recorded, and recomputable), nothing at all reaching the control
 * group, and the report's figures equal to an independent SQL query over purchases and accounts.
 */
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type World } from './world';

let world: World;
let campaignId: string;
let launch: { targeted: number; held_back: number };

const ids = (rows: { member_id: string }[]) => rows.map((r) => r.member_id).sort();

beforeAll(async () => {
	world = await createWorld();
	const suffix = randomUUID().slice(0, 6);
	// 40 members who last came 60 days ago, 5 who came 400 days ago (outside the segment's upper bound).
	await world.db.query(
		`with u as (
		   insert into auth.users (id, aud, role, phone)
		   select gen_random_uuid(), 'authenticated', 'authenticated', '97254' || $2 || lpad(g::text, 3, '0')
		   from generate_series(1, 45) g returning id, phone)
		 insert into public.members (program_id, user_id, member_number, display_name, last_activity_at)
		 select $1, u.id, 100 + row_number() over (order by u.phone), 'M' || right(u.phone, 3),
		   now() - case when right(u.phone, 3)::int > 40 then interval '400 days' else interval '60 days' end
		 from u`,
		[world.x.id, suffix.replace(/\D/g, '7').padEnd(4, '7').slice(0, 4)]
	);
	await world.db.query(
		`insert into public.message_templates (program_id, key, locale, channels, title, body)
		 values ($1, 'winback', 'fa', '{inbox,sms}', 'دلمان تنگ شده', '{name}، {offer} امتیاز هدیه')`,
		[world.x.id]
	);
	const { data, error } = await world.x.manager.client
		.from('campaigns')
		.insert({
			program_id: world.x.id,
			name: 'Win-back 30',
			template: 'winback',
			min_days_inactive: 30,
			max_days_inactive: 365,
			control_percent: 30,
			offer_points: 100
		})
		.select('id')
		.single();
	if (error) throw error;
	campaignId = data.id;
});
afterAll(() => world.end());

describe('a win-back campaign', () => {
	it('may not be launched by a cashier or another club’s owner', async () => {
		for (const client of [world.x.cashier.client, world.y.owner.client, world.a.client]) {
			const { error } = await client.rpc('launch_campaign', { p_campaign_id: campaignId });
			expect(error?.message).toBe('VAFA_CAMPAIGN_NOT_FOUND');
		}
		const { rows } = await world.db.query('select status from public.campaigns where id = $1', [
			campaignId
		]);
		expect(rows[0].status).toBe('draft');
	});

	it('takes exactly the members with no visit for 30 to 365 days, and records who is held back', async () => {
		const { data, error } = await world.x.manager.client.rpc('launch_campaign', {
			p_campaign_id: campaignId
		});
		expect(error).toBeNull();
		launch = data;
		const { rows: segment } = await world.db.query(
			`select m.id as member_id from public.members m, public.campaigns c
			 where c.id = $2 and m.program_id = $1
			   and m.last_activity_at <= c.launched_at - interval '30 days'
			   and m.last_activity_at > c.launched_at - interval '365 days'`,
			[world.x.id, campaignId]
		);
		const { rows: recorded } = await world.db.query(
			'select member_id, control from public.campaign_members where campaign_id = $1',
			[campaignId]
		);
		expect(segment).toHaveLength(40);
		expect(ids(recorded)).toEqual(ids(segment));
		expect(launch.targeted + launch.held_back).toBe(40);
		expect(launch.held_back).toBeGreaterThan(0);
		expect(launch.targeted).toBeGreaterThan(launch.held_back);
	});

	it('holds back a group anyone can recompute from the seed', async () => {
		const { rows } = await world.db.query(
			`select cm.member_id, cm.control, c.seed, c.control_percent from public.campaign_members cm
			 join public.campaigns c on c.id = cm.campaign_id where cm.campaign_id = $1`,
			[campaignId]
		);
		for (const row of rows) {
			const hash = createHash('md5').update(`${row.seed}:${row.member_id}`).digest('hex');
			expect(row.control).toBe(parseInt(hash.slice(0, 8), 16) % 100 < row.control_percent);
		}
	});

	it('sends the control group nothing: no message, inbox copy, delivery or offer points', async () => {
		const { rows } = await world.db.query(
			`select cm.control,
			   count(distinct msg.id)::int as messages, count(distinct i.id)::int as inbox,
			   count(distinct d.id)::int as deliveries, count(distinct e.id)::int as offers
			 from public.campaign_members cm
			 left join public.messages msg on msg.member_id = cm.member_id
			 left join public.inbox_messages i on i.member_id = cm.member_id
			 left join public.message_deliveries d on d.message_id = msg.id
			 left join public.ledger_entries e on e.member_id = cm.member_id and e.reason_params ->> 'campaign_id' = $1::text
			 where cm.campaign_id = $1::uuid group by cm.control order by cm.control`,
			[campaignId]
		);
		expect(rows).toEqual([
			{
				control: false,
				messages: launch.targeted,
				inbox: launch.targeted,
				deliveries: launch.targeted * 2,
				offers: launch.targeted
			},
			{ control: true, messages: 0, inbox: 0, deliveries: 0, offers: 0 }
		]);
	});

	it('is sent once: launching again changes nothing', async () => {
		const { data } = await world.x.manager.client.rpc('launch_campaign', {
			p_campaign_id: campaignId
		});
		expect(data).toMatchObject({ already: true });
		const { rows } = await world.db.query(
			`select count(*)::int as n from public.messages where dedupe_key like $1`,
			[`campaign:${campaignId}:%`]
		);
		expect(rows[0].n).toBe(launch.targeted);
	});

	it('reports extra visits, revenue and points liability equal to an independent SQL query', async () => {
		const { rows: members } = await world.db.query(
			'select member_id, control from public.campaign_members where campaign_id = $1 order by member_id',
			[campaignId]
		);
		const targets = members.filter((m) => !m.control).map((m) => m.member_id);
		const control = members.filter((m) => m.control).map((m) => m.member_id);
		for (const [i, memberId] of targets.slice(0, 9).entries()) {
			await world.earn(memberId, 10, { amount: 50_000 + i * 1000 });
			if (i < 3) await world.earn(memberId, 5, { amount: 20_000 });
		}
		for (const memberId of control.slice(0, 2)) await world.earn(memberId, 7, { amount: 30_000 });
		// A partial refund counts against revenue.
		const purchase = await world.earn(targets[0], 1, { amount: 10_000 });
		await world.db.query(`select public.refund_purchase($1, 4000, $2)`, [purchase, world.key()]);

		const { data: report, error } = await world.x.manager.client.rpc('campaign_report', {
			p_campaign_id: campaignId
		});
		expect(error).toBeNull();
		const { rows } = await world.db.query(
			`with c as (select * from public.campaigns where id = $1),
			 visits as (
			   select cm.control, cm.member_id, p.id as purchase_id, p.amount - p.refunded_amount as net
			   from public.campaign_members cm cross join c
			   left join public.purchases p on p.member_id = cm.member_id
			     and p.occurred_at > c.launched_at and p.occurred_at <= now()
			   where cm.campaign_id = c.id)
			 select control, count(distinct member_id)::int as members, count(purchase_id)::int as visits,
			   coalesce(sum(net), 0)::bigint as revenue,
			   (select coalesce(sum(a.balance), 0) from public.accounts a
			    where a.kind = 'points' and a.member_id in (select member_id from visits v2 where v2.control = visits.control))::bigint as points
			 from visits group by control`,
			[campaignId]
		);
		const group = (control: boolean) => rows.find((r) => r.control === control);
		const t = group(false);
		const c = group(true);
		expect(report.targeted).toEqual({
			members: t.members,
			visits: t.visits,
			revenue: Number(t.revenue),
			points_liability: Number(t.points)
		});
		expect(report.control).toEqual({
			members: c.members,
			visits: c.visits,
			revenue: Number(c.revenue),
			points_liability: Number(c.points)
		});
		expect(t.visits).toBe(13);
		expect(c.visits).toBe(2);
		const round2 = (n: number) => Math.round(n * 100) / 100;
		expect(report.extra_visits).toBeCloseTo(
			round2(t.visits - (c.visits * t.members) / c.members),
			2
		);
		expect(report.extra_revenue).toBeCloseTo(
			round2(Number(t.revenue) - (Number(c.revenue) * t.members) / c.members),
			2
		);
		const { rows: liability } = await world.db.query(
			`select sum(balance)::bigint as total from public.accounts where program_id = $1 and kind = 'points'`,
			[world.x.id]
		);
		expect(report.club_points_liability).toBe(Number(liability[0].total));
		expect(report.offer_points).toBe(100 * t.members);
		expect(await world.discrepancies()).toEqual([]);
	});

	it('a sent campaign can no longer be edited or deleted', async () => {
		const edit = await world.x.manager.client
			.from('campaigns')
			.update({ control_percent: 0 })
			.eq('id', campaignId)
			.select();
		expect(edit.data).toEqual([]);
		const removal = await world.x.manager.client
			.from('campaigns')
			.delete()
			.eq('id', campaignId)
			.select();
		expect(removal.data).toEqual([]);
	});
});
