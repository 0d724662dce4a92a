/**
 * The checks of Supabase's database advisors (splinter) that apply to our migrations, run against
 * the migrated database, so a migration that would show up as a warning in the dashboard fails here.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';

let db: pg.Client;
beforeAll(async () => {
	db = new pg.Client({ connectionString: inject('stack').dbUrl });
	await db.connect();
});
afterAll(() => db.end());

const rows = async (sql: string) => (await db.query(sql)).rows;

describe('Supabase’s database advisors find nothing to flag', () => {
	it('every table in an exposed schema has row-level security and at least one policy', async () => {
		expect(
			await rows(`
				select c.oid::regclass::text as table_name, c.relrowsecurity as rls,
					(select count(*) from pg_policy p where p.polrelid = c.oid)::int as policies
				from pg_class c
				where c.relnamespace in ('public'::regnamespace, 'graphql_public'::regnamespace) and c.relkind in ('r', 'p')
					and (not c.relrowsecurity or not exists (select 1 from pg_policy p where p.polrelid = c.oid))`)
		).toEqual([]);
	});

	it('every foreign key is backed by an index that starts with its columns', async () => {
		expect(
			await rows(`
				select con.conrelid::regclass::text as table_name, con.conname
				from pg_constraint con
				where con.contype = 'f' and con.connamespace = 'public'::regnamespace
					and not exists (
						select 1 from pg_index i
						where i.indrelid = con.conrelid
							and (select array_agg(k order by k) from unnest((i.indkey::int2[])[0:cardinality(con.conkey) - 1]) k)
								= (select array_agg(k order by k) from unnest(con.conkey) k)
					)`)
		).toEqual([]);
	});

	it('policies call auth.uid() once per statement, wrapped in a select', async () => {
		expect(
			await rows(`
				select tablename, policyname from pg_policies
				where schemaname = 'public'
					and (coalesce(qual, '') || coalesce(with_check, '')) ~ '(?<!SELECT )auth\\.(uid|jwt|role)\\(\\)'`)
		).toEqual([]);
	});

	it('no table has two permissive policies for the same role and command', async () => {
		expect(
			await rows(`
				select tablename, cmd, r.role, count(*)::int
				from pg_policies p, unnest(p.roles) r(role)
				where schemaname = 'public' and permissive = 'PERMISSIVE'
				group by tablename, cmd, r.role having count(*) > 1`)
		).toEqual([]);
	});

	it('security definer functions pin their search_path and anon can execute none of them', async () => {
		expect(
			await rows(`
				select p.oid::regprocedure::text as fn,
					has_function_privilege('anon', p.oid, 'execute') as anon_can_execute,
					p.proconfig
				from pg_proc p
				where p.prosecdef and p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
					and (not coalesce(p.proconfig, '{}') @> array['search_path=""']
						or has_function_privilege('anon', p.oid, 'execute'))`)
		).toEqual([]);
	});

	it('no view in an exposed schema runs as its owner or exposes auth.users', async () => {
		expect(
			await rows(`
				select c.oid::regclass::text as view_name from pg_class c
				where c.relnamespace = 'public'::regnamespace and c.relkind in ('v', 'm')
					and (not coalesce(c.reloptions, '{}') @> array['security_invoker=true']
						or pg_get_viewdef(c.oid) ilike '%auth.users%')`)
		).toEqual([]);
	});

	it('no extension lives in the public schema', async () => {
		expect(
			await rows(`select extname from pg_extension where extnamespace = 'public'::regnamespace`)
		).toEqual([]);
	});

	it('no policy trusts user_metadata, which users can edit themselves', async () => {
		expect(
			await rows(`
				select tablename, policyname from pg_policies
				where (coalesce(qual, '') || coalesce(with_check, '')) ilike '%user_metadata%'`)
		).toEqual([]);
	});
});
