/**
 * Members for managers, through the app's data module (`src/lib/insights/members.ts`): search by
 * name, member number and phone (as typed: full, with the club's leading 0, in Persian digits),
 * never another club's members; keyset pages; the profile and history; a manual adjustment with
 * its reason, and above the threshold the second manager's approval or refusal.
 */
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { members, ProblemError } from '../../src/lib/insights/members';
import { createWorld, type World } from './world';

let world: World;
let iranian: { memberId: string; phone: string };
const persian = (text: string) => text.replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]);

beforeAll(async () => {
	world = await createWorld();
	const phone = `+98912${randomInt(1_000_000, 10_000_000)}`;
	const { data, error } = await world.service.auth.admin.createUser({ phone, phone_confirm: true });
	if (error) throw error;
	const { rows } = await world.db.query(
		`insert into public.members (program_id, user_id, member_number, display_name)
		 values ($1, $2, 5001, 'Ali Rezaei') returning id`,
		[world.x.id, data.user.id]
	);
	iranian = { memberId: rows[0].id, phone };
	// 25 members named alike, for paging; users made directly, as an import would.
	await world.db.query(
		`with u as (
		   insert into auth.users (instance_id, id, aud, role, phone, created_at, updated_at)
		   select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
		     '98935' || lpad((${randomInt(100_000, 900_000)} * 10 + g)::text, 7, '0'), now(), now()
		   from generate_series(1, 25) g returning id, phone)
		 insert into public.members (program_id, user_id, member_number, display_name)
		 select $1, u.id, 6000 + row_number() over (order by u.phone), 'Paged سارا'
		 from u`,
		[world.x.id]
	);
	await world.earn(world.a.memberId, 40);
});

afterAll(() => world.end());

const numbers = (list: { member_number: number }[]) => list.map((m) => m.member_number);

describe('search', () => {
	it('finds a member by any part of the name, in any case', async () => {
		const found = await members.search(world.x.manager.client, world.x.id, 'rEZa');
		expect(numbers(found)).toEqual([5001]);
		expect(found[0]).toMatchObject({ id: iranian.memberId, phone: iranian.phone });
	});

	it('finds a member by member number, in Latin or Persian digits', async () => {
		for (const query of ['5001', '۵۰۰۱', '٥٠٠١']) {
			expect(numbers(await members.search(world.x.owner.client, world.x.id, query))).toEqual([
				5001
			]);
		}
	});

	it('finds a member by phone: full, with spaces, with the club’s leading 0, in Persian digits', async () => {
		const national = '0' + iranian.phone.slice(3);
		for (const query of [
			iranian.phone,
			iranian.phone.slice(1).replace(/(\d{3})(\d{3})/, '$1 $2 '),
			national,
			persian(national)
		]) {
			expect(numbers(await members.search(world.x.manager.client, world.x.id, query))).toEqual([
				5001
			]);
		}
		expect(
			numbers(await members.search(world.x.manager.client, world.x.id, world.a.phone))
		).toEqual([1]);
	});

	it('never shows another club’s members, by name, phone or number', async () => {
		for (const query of ['Y customer', world.y.customer.phone, 'customer']) {
			expect(await members.search(world.x.manager.client, world.x.id, query)).toEqual([]);
		}
		// The same phone is Y's member; in club Y its owner finds it.
		expect(
			numbers(await members.search(world.y.owner.client, world.y.id, world.y.customer.phone))
		).toEqual([1]);
	});

	it('pages by member number: 20, then the rest, then nothing', async () => {
		const first = await members.search(world.x.manager.client, world.x.id, 'paged');
		expect(numbers(first)).toEqual(Array.from({ length: 20 }, (_, i) => 6001 + i));
		const rest = await members.search(world.x.manager.client, world.x.id, 'paged', 6020);
		expect(numbers(rest)).toEqual([6021, 6022, 6023, 6024, 6025]);
		expect(await members.search(world.x.manager.client, world.x.id, 'سارا', 6025)).toEqual([]);
	});

	it('treats % and _ in a name as letters, not wildcards', async () => {
		expect(await members.search(world.x.manager.client, world.x.id, '%')).toEqual([]);
		expect(await members.search(world.x.manager.client, world.x.id, '_')).toEqual([]);
	});

	it('refuses the cashier', async () => {
		await expect(members.search(world.x.cashier.client, world.x.id, 'A')).rejects.toMatchObject({
			code: 'VAFA_FORBIDDEN'
		});
	});
});

describe('profile and history', () => {
	it('shows the member with phone, balances and purchases, and the history with reasons', async () => {
		const profile = await members.profile(world.x.manager.client, world.a.memberId);
		expect(profile).toMatchObject({
			member_number: 1,
			display_name: 'A',
			phone: world.a.phone,
			points: 40,
			purchases: { count: 1, amount: 40_000 },
			pending: []
		});
		const history = await members.history(world.x.manager.client, world.a.memberId, null);
		expect(history).toMatchObject([{ kind: 'earn', amount: 40, reason_key: 'rule.base' }]);
	});
});

describe('manual adjustments', () => {
	const key = () => world.key();

	it('applies an adjustment within the threshold at once, with its reason in the history', async () => {
		const result = await members.adjust(
			world.x.manager.client,
			world.b.memberId,
			'points',
			100,
			'lost receipt',
			key()
		);
		expect(result).toMatchObject({ status: 'applied', balances: { points: 100 } });
		const [entry] = await members.history(world.x.manager.client, world.b.memberId, null);
		expect(entry).toMatchObject({
			kind: 'adjust',
			amount: 100,
			reason_key: 'manual.adjustment',
			reason_params: { reason: 'lost receipt' }
		});
	});

	it('refuses an adjustment without a reason and changes nothing', async () => {
		await expect(
			members.adjust(world.x.manager.client, world.b.memberId, 'points', 5, '  ', key())
		).rejects.toMatchObject({ code: 'VAFA_REASON_REQUIRED' });
		expect((await members.profile(world.x.manager.client, world.b.memberId)).points).toBe(100);
	});

	it('holds a large adjustment for another manager, who approves it', async () => {
		const asked = await members.adjust(
			world.x.manager.client,
			world.b.memberId,
			'points',
			5000,
			'compensation for a broken machine',
			key()
		);
		expect(asked).toMatchObject({ status: 'pending', threshold: 1000 });
		if (asked.status !== 'pending') return;
		expect((await members.profile(world.x.manager.client, world.b.memberId)).pending).toEqual([
			expect.objectContaining({ id: asked.approval_id, amount: 5000 })
		]);

		const mine = await members.pending(world.x.manager.client, world.x.id);
		expect(mine).toEqual([expect.objectContaining({ id: asked.approval_id, mine: true })]);
		const theirs = await members.pending(world.x.manager2.client, world.x.id);
		expect(theirs).toEqual([
			expect.objectContaining({
				id: asked.approval_id,
				mine: false,
				member_number: 2,
				reason: 'compensation for a broken machine'
			})
		]);

		const self = members.decide(world.x.manager.client, asked.approval_id, true);
		await expect(self).rejects.toBeInstanceOf(ProblemError);
		await expect(self).rejects.toMatchObject({ code: 'VAFA_SECOND_APPROVER_REQUIRED' });
		expect((await members.profile(world.x.manager.client, world.b.memberId)).points).toBe(100);

		await members.decide(world.x.manager2.client, asked.approval_id, true);
		expect((await members.profile(world.x.manager.client, world.b.memberId)).points).toBe(5100);
		expect(await members.pending(world.x.manager.client, world.x.id)).toEqual([]);
		const [entry] = await members.history(world.x.manager.client, world.b.memberId, null);
		expect(entry).toMatchObject({ amount: 5000, reason_key: 'manual.adjustment' });
	});

	it('lets another manager refuse a large adjustment, which then changes nothing', async () => {
		const asked = await members.adjust(
			world.x.manager2.client,
			world.b.memberId,
			'points',
			-3000,
			'entered twice by mistake',
			key()
		);
		if (asked.status !== 'pending') throw new Error('expected a pending adjustment');
		expect(await members.decide(world.x.owner.client, asked.approval_id, false)).toMatchObject({
			status: 'rejected'
		});
		await expect(
			members.decide(world.x.manager.client, asked.approval_id, true)
		).rejects.toMatchObject({ code: 'VAFA_APPROVAL_DECIDED' });
		expect((await members.profile(world.x.manager.client, world.b.memberId)).points).toBe(5100);
		expect(await world.discrepancies()).toEqual([]);
	});
});

describe('export', () => {
	it('writes every member of the club and only them, with a byte-order mark and the header', async () => {
		const chunks = await members.exportCsv(world.x.manager.client, world.x.id);
		const csv = chunks.join('');
		expect(csv.startsWith('\uFEFFphone,name,birthday,member_number,points,')).toBe(true);
		const lines = csv.trim().split('\r\n');
		expect(lines).toHaveLength(1 + 2 + 1 + 25);
		expect(csv).toContain(`${iranian.phone},Ali Rezaei,,5001,`);
		expect(csv).not.toContain(world.y.customer.phone);
	});
});
