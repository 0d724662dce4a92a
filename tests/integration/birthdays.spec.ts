/**
 * The birthday job through the deployed `birthdays` function: a Jalali club gives its gift on
 * Esfand 30 in a leap year and on Esfand 29 in a common one, a Gregorian club on Feb 28 in a
 * common year, each once per member and birthday year, with the points in the ledger and the
 * greeting in the inbox.
 */
import {
	CalendarDate,
	GregorianCalendar,
	PersianCalendar,
	toCalendar
} from '@internationalized/date';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createWorld, type World } from './world';

let world: World;

function fromJalali(year: number, month: number, day: number): string {
	return toCalendar(
		new CalendarDate(new PersianCalendar(), year, month, day),
		new GregorianCalendar()
	).toString();
}

async function runJob(now: string) {
	const { url, serviceRoleKey } = inject('stack');
	const response = await fetch(`${url}/functions/v1/birthdays`, {
		method: 'POST',
		headers: {
			apikey: serviceRoleKey,
			authorization: `Bearer ${serviceRoleKey}`,
			'content-type': 'application/json'
		},
		body: JSON.stringify({ now })
	});
	expect(response.status).toBe(200);
	return response.json();
}

async function grants(memberId: string) {
	const { rows } = await world.db.query(
		`select g.year, g.points, (select count(*)::int from public.inbox_messages i where i.message_id = g.message_id) as inbox
		 from public.birthday_grants g where g.member_id = $1 order by g.year`,
		[memberId]
	);
	return rows;
}

beforeAll(async () => {
	world = await createWorld();
	await world.db.query(
		`update public.programs set settings = settings || '{"birthday": {"enabled": true, "window": "day", "points": 50}}'
		 where id = any($1)`,
		[[world.x.id, world.y.id]]
	);
	await world.db.query(
		`insert into public.message_templates (program_id, key, locale, channels, title, body) values
		 ($1, 'birthday', 'fa', '{inbox}', 'تولدت مبارک {name}', '{gift} امتیاز هدیه')`,
		[world.x.id]
	);
	await world.db.query(`update public.members set birthday = $2 where id = $1`, [
		world.a.memberId,
		fromJalali(1399, 12, 30)
	]);
	await world.db.query(`update public.members set birthday = '2000-02-29' where id = $1`, [
		world.y.customer.memberId
	]);
});
afterAll(() => world.end());

describe('the birthday job', () => {
	it('gives a Jalali club’s member born on Esfand 30 the gift on Esfand 30 of a leap year, once', async () => {
		await runJob(`${fromJalali(1403, 12, 29)}T09:00:00Z`);
		expect(await grants(world.a.memberId)).toEqual([]);
		await runJob(`${fromJalali(1403, 12, 30)}T09:00:00Z`);
		await runJob(`${fromJalali(1403, 12, 30)}T15:00:00Z`);
		expect(await grants(world.a.memberId)).toEqual([{ year: 1403, points: '50', inbox: 1 }]);
		const { rows } = await world.db.query(
			`select amount, reason_key from public.ledger_entries where member_id = $1 and reason_key = 'rule.birthday'`,
			[world.a.memberId]
		);
		expect(rows).toEqual([{ amount: '50', reason_key: 'rule.birthday' }]);
		const inbox = await world.db.query(
			'select title, body from public.inbox_messages where member_id = $1',
			[world.a.memberId]
		);
		expect(inbox.rows).toEqual([{ title: 'تولدت مبارک A', body: '۵۰ امتیاز هدیه' }]);
		expect(await world.discrepancies()).toEqual([]);
	});

	it('falls back to Esfand 29 in the common year 1404, and gives that year’s gift once', async () => {
		await runJob(`${fromJalali(1404, 12, 28)}T09:00:00Z`);
		expect((await grants(world.a.memberId)).map((g) => g.year)).toEqual([1403]);
		await runJob(`${fromJalali(1404, 12, 29)}T09:00:00Z`);
		await runJob(`${fromJalali(1404, 12, 29)}T10:00:00Z`);
		expect((await grants(world.a.memberId)).map((g) => g.year)).toEqual([1403, 1404]);
	});

	it('keeps a Feb 29 birthday on Feb 28 in a Gregorian club’s common year', async () => {
		await runJob('2027-02-28T10:00:00Z');
		expect((await grants(world.y.customer.memberId)).map((g) => g.year)).toEqual([2027]);
		await runJob('2028-02-28T10:00:00Z');
		expect((await grants(world.y.customer.memberId)).map((g) => g.year)).toEqual([2027]);
	});

	it('refuses a grant to anyone but the service role, and a second grant changes nothing', async () => {
		const asOwner = await world.x.owner.client.rpc('grant_birthday', {
			p_member_id: world.a.memberId,
			p_year: 1410
		});
		expect(asOwner.error?.code).toBe('42501');
		const again = await world.service.rpc('grant_birthday', {
			p_member_id: world.a.memberId,
			p_year: 1403
		});
		expect(again.data).toMatchObject({ granted: false });
		expect((await grants(world.a.memberId)).map((g) => g.year)).toEqual([1403, 1404]);
	});

	it('sends the job only the members whose birthday is near the day, by the club’s window', async () => {
		const candidates = async (now: string) => {
			const { data, error } = await world.service.rpc('birthday_candidates', { p_now: now });
			if (error) throw error;
			return Object.fromEntries(
				(data as { program_id: string; members: { id: string }[] }[]).map((club) => [
					club.program_id,
					club.members.map((m) => m.id)
				])
			);
		};
		// a: Esfand 30, 1399 (2021-03-20); Y's customer: Feb 29 (kept on Feb 28 in common years).
		const near = await candidates('2027-03-19T09:00:00Z');
		expect(near[world.x.id]).toContain(world.a.memberId);
		const far = await candidates('2027-06-01T09:00:00Z');
		expect(far[world.x.id]).not.toContain(world.a.memberId);
		expect((await candidates('2027-02-28T09:00:00Z'))[world.y.id]).toContain(
			world.y.customer.memberId
		);
		expect((await candidates('2027-05-28T09:00:00Z'))[world.y.id]).not.toContain(
			world.y.customer.memberId
		);
		// A month window widens the span: a month before the birthday is still sent.
		await world.db.query(
			`update public.programs set settings = jsonb_set(settings, '{birthday,window}', '"month"') where id = $1`,
			[world.x.id]
		);
		try {
			expect((await candidates('2027-02-20T09:00:00Z'))[world.x.id]).toContain(world.a.memberId);
			expect((await candidates('2027-06-01T09:00:00Z'))[world.x.id]).not.toContain(
				world.a.memberId
			);
		} finally {
			await world.db.query(
				`update public.programs set settings = jsonb_set(settings, '{birthday,window}', '"day"') where id = $1`,
				[world.x.id]
			);
		}
	});
});
