import { describe, expect, it } from 'vitest';
import { balance, entries, expectRefused, newCustomer, ok, useWorld } from './ledger-helpers';

const world = useWorld();

function adjust(
	client: import('@supabase/supabase-js').SupabaseClient,
	memberId: string,
	amount: number,
	reason: string | undefined,
	extra: Record<string, unknown> = {}
) {
	return client.rpc('adjust_balance', {
		p_member_id: memberId,
		p_amount: amount,
		...(reason === undefined ? {} : { p_reason: reason }),
		p_idempotency_key: world().key(),
		...extra
	});
}

describe('manual adjustments', () => {
	it('need a reason', async () => {
		const w = world();
		const c = await newCustomer(w);
		for (const reason of [undefined, '', '   ', 'ok']) {
			await expectRefused(
				w,
				() => adjust(w.x.manager.client, c.memberId, 50, reason),
				'VAFA_REASON_REQUIRED'
			);
		}
		await expectRefused(
			w,
			() => adjust(w.x.manager.client, c.memberId, 50, 'x'.repeat(501)),
			'VAFA_REASON_REQUIRED'
		);
	});

	it('apply at once up to the threshold, with the reason on the entry and in the audit log', async () => {
		const w = world();
		const c = await newCustomer(w);
		const result = ok(await adjust(w.x.manager.client, c.memberId, 1000, 'missed stamp on 3 May'));
		expect(result).toMatchObject({
			status: 'applied',
			entry: { kind: 'adjust', amount: 1000, reason_params: { reason: 'missed stamp on 3 May' } }
		});
		ok(
			await adjust(w.x.owner.client, c.memberId, -300, 'double counted', {
				p_account_kind: 'points'
			})
		);
		ok(
			await adjust(w.x.manager.client, c.memberId, 200, 'cash given back', {
				p_account_kind: 'wallet'
			})
		);
		expect(await balance(w, c.memberId, 'points')).toBe(700);
		expect(await balance(w, c.memberId, 'wallet')).toBe(200);
		const { rows } = await w.db.query(
			`select action, actor from public.audit_log
			 where program_id = $1 and action = 'ledger.adjust' and details ->> 'member_id' = $2 order by id`,
			[w.x.id, c.memberId]
		);
		expect(rows.map((r) => r.actor)).toEqual([w.x.manager.id, w.x.owner.id, w.x.manager.id]);
	});

	it('never take a balance below zero', async () => {
		const w = world();
		const c = await newCustomer(w);
		await w.earn(c.memberId, 10);
		await expectRefused(
			w,
			() => adjust(w.x.manager.client, c.memberId, -11, 'correction'),
			'VAFA_INSUFFICIENT_POINTS'
		);
	});

	it('may not be made by a cashier or by staff of another club', async () => {
		const w = world();
		const c = await newCustomer(w);
		for (const client of [w.x.cashier.client, w.y.owner.client, c.client]) {
			await expectRefused(w, () => adjust(client, c.memberId, 5, 'goodwill'), 'VAFA_FORBIDDEN');
		}
	});

	it('may not be made by staff on their own card', async () => {
		const w = world();
		await w.db.query(
			`insert into public.members (program_id, user_id, member_number) values ($1, $2, 900)
			 on conflict do nothing`,
			[w.x.id, w.x.manager.id]
		);
		const { rows } = await w.db.query(
			'select id from public.members where program_id = $1 and user_id = $2',
			[w.x.id, w.x.manager.id]
		);
		await expectRefused(
			w,
			() => adjust(w.x.manager.client, rows[0].id, 50, 'my own goodwill'),
			'VAFA_FORBIDDEN'
		);
	});

	it('above the threshold wait for a second, different manager, and are decided once', async () => {
		const w = world();
		const c = await newCustomer(w);
		const before = (await entries(w, c.memberId)).length;

		const pending = ok(
			await adjust(w.x.manager.client, c.memberId, 5000, 'lost card compensation')
		);
		expect(pending).toMatchObject({ status: 'pending', threshold: 1000 });
		expect(await balance(w, c.memberId, 'points')).toBe(0);
		expect(await entries(w, c.memberId)).toHaveLength(before);
		const decide =
			(client: import('@supabase/supabase-js').SupabaseClient, approve = true) =>
			() =>
				client.rpc('decide_approval', { p_approval_id: pending.approval_id, p_approve: approve });

		await expectRefused(w, decide(w.x.manager.client), 'VAFA_SECOND_APPROVER_REQUIRED');
		await expectRefused(w, decide(w.x.cashier.client), 'VAFA_FORBIDDEN');
		await expectRefused(w, decide(w.y.owner.client), 'VAFA_FORBIDDEN');
		await expectRefused(w, decide(c.client), 'VAFA_FORBIDDEN');

		const applied = ok(await decide(w.x.manager2.client)());
		expect(applied).toMatchObject({
			status: 'applied',
			approval_id: pending.approval_id,
			entry: { kind: 'adjust', amount: 5000 }
		});
		expect(await balance(w, c.memberId, 'points')).toBe(5000);
		const { rows } = await w.db.query(
			'select status, requested_by, decided_by from public.approvals where id = $1',
			[pending.approval_id]
		);
		expect(rows[0]).toEqual({
			status: 'approved',
			requested_by: w.x.manager.id,
			decided_by: w.x.manager2.id
		});

		await expectRefused(w, decide(w.x.owner.client), 'VAFA_APPROVAL_DECIDED');
		await expectRefused(w, decide(w.x.manager2.client, false), 'VAFA_APPROVAL_DECIDED');
	});

	it('above the threshold change nothing when the second manager rejects them', async () => {
		const w = world();
		const c = await newCustomer(w);
		const pending = ok(await adjust(w.x.owner.client, c.memberId, 2000, 'birthday gift'));
		const rejected = ok(
			await w.x.manager.client.rpc('decide_approval', {
				p_approval_id: pending.approval_id,
				p_approve: false
			})
		);
		expect(rejected).toMatchObject({ status: 'rejected' });
		expect(await entries(w, c.memberId)).toEqual([]);
		await expectRefused(
			w,
			() =>
				w.x.manager2.client.rpc('decide_approval', {
					p_approval_id: pending.approval_id,
					p_approve: true
				}),
			'VAFA_APPROVAL_DECIDED'
		);
	});

	it('need an explicit decision, and may not be decided by the member they credit', async () => {
		const w = world();
		const c = await newCustomer(w);
		const pending = ok(
			await adjust(w.x.manager.client, c.memberId, 3000, 'lost card compensation')
		);
		await expectRefused(
			w,
			() =>
				w.x.manager2.client.rpc('decide_approval', {
					p_approval_id: pending.approval_id,
					p_approve: null
				}),
			'VAFA_INVALID_REQUEST'
		);
		await w.db.query(
			`insert into public.members (program_id, user_id, member_number) values ($1, $2, 901)
			 on conflict do nothing`,
			[w.x.id, w.x.manager2.id]
		);
		const { rows } = await w.db.query(
			'select id from public.members where program_id = $1 and user_id = $2',
			[w.x.id, w.x.manager2.id]
		);
		const own = ok(await adjust(w.x.owner.client, rows[0].id, 3000, 'staff bonus'));
		await expectRefused(
			w,
			() =>
				w.x.manager2.client.rpc('decide_approval', {
					p_approval_id: own.approval_id,
					p_approve: true
				}),
			'VAFA_FORBIDDEN'
		);
	});

	it('refuse an unknown approval', async () => {
		const w = world();
		await expectRefused(
			w,
			() =>
				w.x.manager.client.rpc('decide_approval', {
					p_approval_id: '00000000-0000-4000-8000-000000000000',
					p_approve: true
				}),
			'VAFA_APPROVAL_NOT_FOUND'
		);
	});
});
