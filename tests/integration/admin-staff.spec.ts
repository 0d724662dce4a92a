/**
 * Staff management (issue 6): an owner invites by phone, changes roles and removes staff; a pending
 * invitation is applied when that phone signs in; every refusal has a stable code and changes
 * nothing; a club never loses its last owner; each change is in the audit log with who and when.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestCode, randomPhone } from './auth-helpers';
import { anonClient } from './clients';
import { createWorld, type World } from './world';

let world: World;

beforeAll(async () => {
	world = await createWorld();
});
afterAll(() => world.end());

/** Everything a staff refusal could have touched in club X, to compare before and after. */
async function staffState(programId = world.x.id) {
	const { rows } = await world.db.query(
		`select
		   (select coalesce(jsonb_agg(s order by s.user_id), '[]') from public.program_staff s where s.program_id = $1) as staff,
		   (select coalesce(jsonb_agg(i order by i.id), '[]') from public.staff_invitations i where i.program_id = $1) as invitations,
		   (select count(*)::int from public.audit_log a where a.program_id = $1) as audit`,
		[programId]
	);
	return rows[0];
}

async function roleOf(userId: string, programId = world.x.id) {
	const { rows } = await world.db.query(
		'select role from public.program_staff where program_id = $1 and user_id = $2',
		[programId, userId]
	);
	return (rows[0]?.role as string | undefined) ?? null;
}

/** Signs a phone in by SMS code, as the app does: the code request creates the user unconfirmed. */
async function signInBySms(phone: string) {
	const client = anonClient();
	const sent = await client.auth.signInWithOtp({ phone });
	if (sent.error) throw sent.error;
	const verified = await client.auth.verifyOtp({
		phone,
		token: await latestCode(phone),
		type: 'sms'
	});
	if (verified.error) throw verified.error;
	return { client, userId: verified.data.user!.id };
}

describe('inviting staff by phone', () => {
	it('adds an existing user at once, typed with Persian digits and spaces, and audits it', async () => {
		const [customer] = [world.b];
		const typed = customer.phone.replace('+', '+ ').replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]);
		const { data, error } = await world.x.owner.client.rpc('invite_staff', {
			p_program_id: world.x.id,
			p_phone: typed,
			p_role: 'cashier'
		});
		expect(error).toBeNull();
		expect(data).toMatchObject({ status: 'added', user_id: customer.id, created: true });
		expect(await roleOf(customer.id)).toBe('cashier');
		const { rows } = await world.db.query(
			`select action, actor, details from public.audit_log
			 where program_id = $1 and action in ('staff.invite', 'staff.add') order by id`,
			[world.x.id]
		);
		expect(rows).toEqual([
			{
				action: 'staff.invite',
				actor: world.x.owner.id,
				details: { phone: customer.phone, role: 'cashier' }
			},
			{
				action: 'staff.add',
				actor: world.x.owner.id,
				details: { phone: customer.phone, role: 'cashier', invitation_id: data.invitation_id }
			}
		]);
	});

	it('waits for a new phone, and makes them staff when they sign in by SMS code, once', async () => {
		const phone = randomPhone();
		const invited = await world.x.owner.client.rpc('invite_staff', {
			p_program_id: world.x.id,
			p_phone: phone,
			p_role: 'manager'
		});
		expect(invited.data).toMatchObject({ status: 'invited', created: true });

		// Inviting again with the same role is the same invitation: nothing new is written.
		const before = await staffState();
		const again = await world.x.owner.client.rpc('invite_staff', {
			p_program_id: world.x.id,
			p_phone: phone,
			p_role: 'manager'
		});
		expect(again.data).toEqual({
			invitation_id: invited.data.invitation_id,
			status: 'invited',
			created: false
		});
		expect(await staffState()).toEqual(before);

		const { client, userId } = await signInBySms(phone);
		expect(await roleOf(userId)).toBe('manager');
		// The new manager's own session can now read the club's staff under RLS.
		const { data: staff } = await client
			.from('program_staff')
			.select('user_id, role')
			.eq('program_id', world.x.id);
		expect(staff).toContainEqual({ user_id: userId, role: 'manager' });
		const { rows } = await world.db.query(
			`select accepted_by, accepted_at is not null as accepted from public.staff_invitations where id = $1`,
			[invited.data.invitation_id]
		);
		expect(rows).toEqual([{ accepted_by: userId, accepted: true }]);

		// Confirming the phone again (as a later sign-in may) applies nothing twice.
		const afterFirst = await staffState();
		await world.db.query('update auth.users set phone_confirmed_at = now() where id = $1', [
			userId
		]);
		expect(await staffState()).toEqual(afterFirst);
		const joins = await world.db.query(
			`select count(*)::int as n from public.audit_log where program_id = $1 and action = 'staff.join' and actor = $2`,
			[world.x.id, userId]
		);
		expect(joins.rows[0].n).toBe(1);
	});

	it('does not apply a withdrawn invitation', async () => {
		const phone = randomPhone();
		const invited = await world.x.owner.client.rpc('invite_staff', {
			p_program_id: world.x.id,
			p_phone: phone,
			p_role: 'cashier'
		});
		const revoked = await world.x.owner.client.rpc('revoke_staff_invitation', {
			p_invitation_id: invited.data.invitation_id
		});
		expect(revoked.error).toBeNull();
		const { userId } = await signInBySms(phone);
		expect(await roleOf(userId)).toBeNull();
	});

	it.each([
		['a phone that is not a number', 'not-a-phone', 'cashier', 'VAFA_PHONE_INVALID'],
		['a number without a country code', '09121234567', 'cashier', 'VAFA_PHONE_INVALID'],
		['the owner’s own phone', 'self', 'cashier', 'VAFA_INVITE_SELF'],
		['someone already on the staff', 'cashier', 'manager', 'VAFA_ALREADY_STAFF'],
		['an owner (owners are promoted, never invited)', 'fresh', 'owner', 'VAFA_INVALID_ROLE'],
		['a role that does not exist', 'fresh', 'admin', 'VAFA_INVALID_ROLE']
	])('refuses %s with %s… and changes nothing', async (_what, who, role, code) => {
		const phone =
			who === 'self'
				? world.x.owner.phone
				: who === 'cashier'
					? world.x.cashier.phone
					: who === 'fresh'
						? randomPhone()
						: who;
		const before = await staffState();
		const { error } = await world.x.owner.client.rpc('invite_staff', {
			p_program_id: world.x.id,
			p_phone: phone,
			p_role: role
		});
		expect(error?.message).toBe(code);
		expect(error?.details).toEqual(expect.any(String));
		expect(await staffState()).toEqual(before);
	});

	it('refuses to invite an open invitation’s phone with another role', async () => {
		const phone = randomPhone();
		await world.x.owner.client.rpc('invite_staff', {
			p_program_id: world.x.id,
			p_phone: phone,
			p_role: 'cashier'
		});
		const before = await staffState();
		const { error } = await world.x.owner.client.rpc('invite_staff', {
			p_program_id: world.x.id,
			p_phone: phone,
			p_role: 'manager'
		});
		expect(error?.message).toBe('VAFA_ALREADY_INVITED');
		expect(await staffState()).toEqual(before);
	});

	it('lets only owners invite: a manager and another club’s owner are refused', async () => {
		const before = await staffState();
		for (const client of [world.x.manager.client, world.y.owner.client, world.a.client]) {
			const { error } = await client.rpc('invite_staff', {
				p_program_id: world.x.id,
				p_phone: randomPhone(),
				p_role: 'cashier'
			});
			expect(error).toMatchObject({ code: '42501', message: 'VAFA_FORBIDDEN' });
		}
		expect(await staffState()).toEqual(before);
	});
});

describe('changing roles and removing staff', () => {
	it('changes a role, says when nothing changed, and audits only the change', async () => {
		const first = await world.x.owner.client.rpc('change_staff_role', {
			p_program_id: world.x.id,
			p_user_id: world.x.manager2.id,
			p_role: 'cashier'
		});
		expect(first.data).toEqual({ user_id: world.x.manager2.id, role: 'cashier', changed: true });
		const before = await staffState();
		const same = await world.x.owner.client.rpc('change_staff_role', {
			p_program_id: world.x.id,
			p_user_id: world.x.manager2.id,
			p_role: 'cashier'
		});
		expect(same.data).toMatchObject({ changed: false });
		expect(await staffState()).toEqual(before);
		const { rows } = await world.db.query(
			`select actor, details from public.audit_log where program_id = $1 and action = 'staff.role'`,
			[world.x.id]
		);
		expect(rows).toEqual([
			{ actor: world.x.owner.id, details: { from: 'manager', to: 'cashier' } }
		]);
		await world.x.owner.client.rpc('change_staff_role', {
			p_program_id: world.x.id,
			p_user_id: world.x.manager2.id,
			p_role: 'manager'
		});
	});

	it('never demotes or removes the last owner, even the owner themself', async () => {
		const before = await staffState();
		const demote = await world.x.owner.client.rpc('change_staff_role', {
			p_program_id: world.x.id,
			p_user_id: world.x.owner.id,
			p_role: 'manager'
		});
		expect(demote.error?.message).toBe('VAFA_LAST_OWNER');
		const remove = await world.x.owner.client.rpc('remove_staff', {
			p_program_id: world.x.id,
			p_user_id: world.x.owner.id
		});
		expect(remove.error?.message).toBe('VAFA_LAST_OWNER');
		expect(await staffState()).toEqual(before);
	});

	it('lets an owner step down once there is a second owner', async () => {
		const { db } = world;
		// Club Y has one owner; promote a second person there through an invitation and a promotion.
		const added = await world.y.owner.client.rpc('invite_staff', {
			p_program_id: world.y.id,
			p_phone: world.b.phone,
			p_role: 'manager'
		});
		expect(added.data.status).toBe('added');
		const promoted = await world.y.owner.client.rpc('change_staff_role', {
			p_program_id: world.y.id,
			p_user_id: world.b.id,
			p_role: 'owner'
		});
		expect(promoted.error).toBeNull();
		const stepDown = await world.y.owner.client.rpc('remove_staff', {
			p_program_id: world.y.id,
			p_user_id: world.y.owner.id
		});
		expect(stepDown.data).toEqual({ user_id: world.y.owner.id, removed: true });
		// B is now the only owner of Y and cannot leave either.
		const last = await world.b.client.rpc('remove_staff', {
			p_program_id: world.y.id,
			p_user_id: world.b.id
		});
		expect(last.error?.message).toBe('VAFA_LAST_OWNER');
		// Put Y back as it was for the specs below.
		await db.query(
			`insert into public.program_staff (program_id, user_id, role) values ($1, $2, 'owner')`,
			[world.y.id, world.y.owner.id]
		);
		await db.query('delete from public.program_staff where program_id = $1 and user_id = $2', [
			world.y.id,
			world.b.id
		]);
	});

	it('refuses a manager, an unknown person and a bad role, changing nothing', async () => {
		const before = await staffState();
		const asManager = await world.x.manager.client.rpc('remove_staff', {
			p_program_id: world.x.id,
			p_user_id: world.x.cashier.id
		});
		expect(asManager.error).toMatchObject({ code: '42501', message: 'VAFA_FORBIDDEN' });
		const unknown = await world.x.owner.client.rpc('remove_staff', {
			p_program_id: world.x.id,
			p_user_id: world.a.id
		});
		expect(unknown.error?.message).toBe('VAFA_STAFF_NOT_FOUND');
		const badRole = await world.x.owner.client.rpc('change_staff_role', {
			p_program_id: world.x.id,
			p_user_id: world.x.cashier.id,
			p_role: 'boss'
		});
		expect(badRole.error?.message).toBe('VAFA_INVALID_ROLE');
		expect(await staffState()).toEqual(before);
	});

	it('removes a cashier, who then loses access to the club at once', async () => {
		const served = await world.b.client.rpc('wallet_topup', {
			p_member_id: world.a.memberId,
			p_amount: 10,
			p_idempotency_key: world.key()
		});
		expect(served.error).toBeNull();
		const removed = await world.x.owner.client.rpc('remove_staff', {
			p_program_id: world.x.id,
			p_user_id: world.b.id
		});
		expect(removed.error).toBeNull();
		const refused = await world.b.client.rpc('wallet_topup', {
			p_member_id: world.a.memberId,
			p_amount: 10,
			p_idempotency_key: world.key()
		});
		expect(refused.error?.message).toBe('VAFA_FORBIDDEN');
		const { rows } = await world.db.query(
			`select actor, target_id, details from public.audit_log where program_id = $1 and action = 'staff.remove'`,
			[world.x.id]
		);
		expect(rows).toEqual([
			{ actor: world.x.owner.id, target_id: world.b.id, details: { role: 'cashier' } }
		]);
	});
});

describe('names behind the ids', () => {
	it('gives managers the staff’s phones, and former staff only when they acted in the club', async () => {
		const { data, error } = await world.x.manager.client.rpc('club_people', {
			p_program_id: world.x.id,
			p_user_ids: [world.b.id, world.a.id]
		});
		expect(error).toBeNull();
		const ids = (data as { user_id: string; phone: string }[]).map((p) => p.user_id);
		expect(ids).toContain(world.x.owner.id);
		expect(ids).toContain(world.x.cashier.id);
		// B left the staff but acted in club X (a top-up); A never acted there.
		expect(ids).toContain(world.b.id);
		expect(ids).not.toContain(world.a.id);
		expect(data).toContainEqual(
			expect.objectContaining({
				user_id: world.x.owner.id,
				phone: world.x.owner.phone,
				role: 'owner'
			})
		);
	});

	it('refuses cashiers, customers and other clubs', async () => {
		for (const client of [world.x.cashier.client, world.a.client, world.y.owner.client]) {
			const { error } = await client.rpc('club_people', { p_program_id: world.x.id });
			expect(error?.message).toBe('VAFA_FORBIDDEN');
		}
	});
});
