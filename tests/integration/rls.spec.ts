import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { anonClient, phoneClient, serviceClient } from './clients';

const CAFE = '22222222-2222-4222-8222-000000000001';
const OTHER_CLUB = randomUUID();
const OTHER_CUSTOMER_PHONE = '+989120000091';
const OTHER_STAFF_PHONE = '+989120000092';

/** Arranges a second club with its own staff member and a second customer of cafe-vafa. */
beforeAll(async () => {
	const admin = serviceClient();
	const ids: Record<string, string> = {};
	for (const phone of [OTHER_CUSTOMER_PHONE, OTHER_STAFF_PHONE]) {
		const { data, error } = await admin.auth.admin.createUser({
			phone,
			phone_confirm: true,
			password: 'a-long-password-1'
		});
		if (error) throw error;
		ids[phone] = data.user.id;
	}
	const db = new pg.Client({ connectionString: inject('stack').dbUrl });
	await db.connect();
	await db.query(
		`insert into public.programs (id, slug, name, currency, locale, timezone) values ($1, 'nan-bakery', 'נאן', 'ILS', 'he', 'Asia/Jerusalem')`,
		[OTHER_CLUB]
	);
	await db.query(
		`insert into public.program_staff (program_id, user_id, role) values ($1, $2, 'owner')`,
		[OTHER_CLUB, ids[OTHER_STAFF_PHONE]]
	);
	await db.query(
		`insert into public.members (program_id, user_id, member_number) values ($1, $2, 1002)`,
		[CAFE, ids[OTHER_CUSTOMER_PHONE]]
	);
	await db.end();
});

async function signInWithPassword(phone: string) {
	const client = anonClient();
	const { error } = await client.auth.signInWithPassword({ phone, password: 'a-long-password-1' });
	if (error) throw error;
	return client;
}

describe('row-level security on clubs and members', () => {
	it('shows anonymous callers no members, no clubs and no staff', async () => {
		const anon = anonClient();
		for (const table of ['members', 'programs', 'program_staff']) {
			const { data } = await anon.from(table).select('*');
			expect(data ?? [], table).toEqual([]);
		}
	});

	it('shows a customer their own card and nobody else’s', async () => {
		const customer = await phoneClient('+989120000001');
		const { data, error } = await customer
			.from('members')
			.select('member_number, program:programs(slug)');
		expect(error).toBeNull();
		expect(data).toEqual([{ member_number: 1001, program: { slug: 'cafe-vafa' } }]);
	});

	it('shows another customer of the same club only their own card', async () => {
		const other = await signInWithPassword(OTHER_CUSTOMER_PHONE);
		const { data } = await other.from('members').select('member_number');
		expect(data).toEqual([{ member_number: 1002 }]);
	});

	it('lets the cashier and the owner of the club see its members', async () => {
		for (const phone of ['+989120000002', '+989120000003']) {
			const staff = await phoneClient(phone);
			const { data } = await staff.from('members').select('member_number').order('member_number');
			expect(data, phone).toEqual([{ member_number: 1001 }, { member_number: 1002 }]);
		}
	});

	it('shows the staff of another club nothing of this one', async () => {
		const foreign = await signInWithPassword(OTHER_STAFF_PHONE);
		const { data: members } = await foreign.from('members').select('id');
		expect(members).toEqual([]);
		const { data: clubs } = await foreign.from('programs').select('slug');
		expect(clubs).toEqual([{ slug: 'nan-bakery' }]);
	});

	it('lets a customer rename themselves but not change their member number', async () => {
		const customer = await phoneClient('+989120000001');
		const renamed = await customer
			.from('members')
			.update({ display_name: 'سارا ک' })
			.eq('member_number', 1001)
			.select('display_name');
		expect(renamed.error).toBeNull();
		expect(renamed.data).toEqual([{ display_name: 'سارا ک' }]);
		const renumbered = await customer
			.from('members')
			.update({ member_number: 1 })
			.eq('member_number', 1001);
		expect(renumbered.error?.code).toBe('42501');
		const { data } = await customer.from('members').select('member_number');
		expect(data).toEqual([{ member_number: 1001 }]);
	});

	it('keeps a customer from joining a club by writing the table directly', async () => {
		const customer = await phoneClient('+989120000001');
		const { error } = await customer
			.from('members')
			.insert({ program_id: OTHER_CLUB, user_id: randomUUID(), member_number: 5 });
		expect(error).not.toBeNull();
	});
});

describe('what hosted Supabase provides, as the migrations see it', () => {
	let db: pg.Client;
	beforeAll(async () => {
		db = new pg.Client({ connectionString: inject('stack').dbUrl });
		await db.connect();
	});
	afterAll(() => db.end());

	it('has row-level security on every table in the exposed schema', async () => {
		const { rows } = await db.query(
			`select relname from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r' and not relrowsecurity`
		);
		expect(rows).toEqual([]);
	});

	it('sets search_path on every security definer function', async () => {
		const { rows } = await db.query(`
			select p.oid::regprocedure::text as fn from pg_proc p
			where p.prosecdef and p.pronamespace not in ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
			and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) c where c like 'search_path=%')`);
		expect(rows).toEqual([]);
	});

	it('has the API roles with Supabase’s attributes', async () => {
		const { rows } = await db.query(
			`select rolname, rolcanlogin, rolinherit, rolbypassrls from pg_roles where rolname in ('anon', 'authenticated', 'service_role', 'authenticator') order by rolname`
		);
		expect(rows).toEqual([
			{ rolname: 'anon', rolcanlogin: false, rolinherit: false, rolbypassrls: false },
			{ rolname: 'authenticated', rolcanlogin: false, rolinherit: false, rolbypassrls: false },
			{ rolname: 'authenticator', rolcanlogin: true, rolinherit: false, rolbypassrls: false },
			{ rolname: 'service_role', rolcanlogin: false, rolinherit: false, rolbypassrls: true }
		]);
	});

	it('reads auth.uid(), auth.role() and auth.jwt() from the request claims', async () => {
		const sub = randomUUID();
		await db.query('begin');
		await db.query(`select set_config('request.jwt.claims', $1, true)`, [
			JSON.stringify({ sub, role: 'authenticated', email: 'a@b.c' })
		]);
		const { rows } = await db.query(
			`select auth.uid() as uid, auth.role() as role, auth.email() as email, auth.jwt() ->> 'sub' as jwt_sub`
		);
		await db.query('rollback');
		expect(rows[0]).toEqual({ uid: sub, role: 'authenticated', email: 'a@b.c', jwt_sub: sub });
	});

	it('records every migration as the Supabase CLI does', async () => {
		const { rows } = await db.query(
			'select version, name from supabase_migrations.schema_migrations order by version'
		);
		expect(rows[0]).toEqual({ version: '20261123000100', name: 'clubs' });
	});

	it('keeps extensions out of the public schema', async () => {
		const { rows } = await db.query(
			`select extname from pg_extension where extnamespace = 'public'::regnamespace`
		);
		expect(rows).toEqual([]);
	});
});
