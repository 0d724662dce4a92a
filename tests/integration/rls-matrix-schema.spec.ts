/**
 * The RLS matrix's catalogue checks: what the per-table cells cannot see, such as a table nobody
 * wrote expectations for yet, a second policy for one command, or a role that may truncate.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

/** The schemas PostgREST serves (supabase/config.toml, [api] schemas). */
const EXPOSED = ['public', 'graphql_public'];
const API_ROLES = ['anon', 'authenticated', 'service_role'];

let db: pg.Client;
beforeAll(async () => {
	db = new pg.Client({ connectionString: inject('stack').dbUrl });
	await db.connect();
});
afterAll(() => db.end());

async function tablesWhere(condition: string, params: unknown[] = []) {
	const { rows } = await db.query(
		`select c.oid::regclass::text as name from pg_class c
		 where c.relnamespace::regnamespace::text = any($1) and c.relkind in ('r', 'p') and ${condition}
		 order by 1`,
		[EXPOSED, ...params]
	);
	return rows.map((row) => row.name as string);
}

describe('row-level security across the exposed schemas', () => {
	it('is enabled on every table of every exposed schema', async () => {
		expect((await tablesWhere('true')).length).toBeGreaterThanOrEqual(14);
		expect(await tablesWhere('not c.relrowsecurity')).toEqual([]);
	});

	it('gives every table at least one policy', async () => {
		expect(
			await tablesWhere('not exists (select 1 from pg_policy p where p.polrelid = c.oid)')
		).toEqual([]);
	});

	it('has policies only for signed-in users, at most one per table and command', async () => {
		const { rows } = await db.query(
			`select tablename, cmd, array_agg(policyname) as policies, array_agg(roles::text) as roles
			 from pg_policies where schemaname = any($1)
			 group by tablename, cmd
			 having count(*) > 1 or bool_or(roles <> '{authenticated}')`,
			[EXPOSED]
		);
		expect(rows).toEqual([]);
	});

	it('has no view that reads with its owner’s rights and so skips row-level security', async () => {
		const { rows } = await db.query(
			`select c.oid::regclass::text as name from pg_class c
			 where c.relnamespace::regnamespace::text = any($1) and c.relkind in ('v', 'm')
			   and not coalesce('security_invoker=true' = any(c.reloptions), false)`,
			[EXPOSED]
		);
		expect(rows).toEqual([]);
	});

	it('lets no API role truncate a table, since truncate skips row-level security', async () => {
		const { rows } = await db.query(
			`select c.oid::regclass::text as name, r as role from pg_class c, unnest($2::text[]) r
			 where c.relnamespace::regnamespace::text = any($1) and c.relkind in ('r', 'p')
			   and has_table_privilege(r, c.oid, 'truncate')`,
			[EXPOSED, API_ROLES]
		);
		expect(rows).toEqual([]);
	});
});

describe('who may execute the functions of the exposed schemas', () => {
	async function executableBy(role: string) {
		const { rows } = await db.query(
			`select p.proname as name from pg_proc p
			 where p.pronamespace::regnamespace::text = any($1) and has_function_privilege($2, p.oid, 'execute')
			 order by 1`,
			[EXPOSED, role]
		);
		return rows.map((row) => row.name as string);
	}

	it('lets anon execute none', async () => {
		expect(await executableBy('anon')).toEqual([]);
	});

	it('lets signed-in users execute all but the service-only record_purchase, expire_points, ledger_discrepancies, card_secret_for, claim_card_step, run_due_draws and the checkout and POS internals', async () => {
		expect(await executableBy('authenticated')).toEqual([
			'adjust_balance',
			'analytics_series',
			'analytics_summary',
			'analytics_top_rewards',
			'answer_survey',
			'begin_member_import',
			'campaign_report',
			'catalogue',
			'change_staff_role',
			'club_people',
			'create_lottery',
			'create_pos_key',
			'decide_approval',
			'draw_lottery',
			'enter_lottery',
			'export_members',
			'finish_member_import',
			'import_members',
			'invite_staff',
			'issue_card_secret',
			'join_program',
			'launch_campaign',
			'lottery_proof',
			'lottery_standings',
			'member_history',
			'member_profile',
			'my_card_fingerprints',
			'my_cards',
			'my_history',
			'my_lotteries',
			'my_referrals',
			'my_surveys',
			'my_unread_count',
			'note_referral_share',
			'pay_with_points',
			'pending_approvals',
			'recompute_tier',
			'redeem_reward',
			'refund_purchase',
			'remove_staff',
			'retry_delivery',
			'revoke_pos_key',
			'revoke_staff_invitation',
			'save_survey',
			'search_members',
			'segment_size',
			'set_birthday',
			'set_message_preferences',
			'survey_results',
			'use_redemption',
			'wallet_spend',
			'wallet_topup'
		]);
	});

	it('lets the service role execute every function', async () => {
		const { rows } = await db.query(
			`select count(*)::int as n from pg_proc p where p.pronamespace::regnamespace::text = any($1)`,
			[EXPOSED]
		);
		expect(await executableBy('service_role')).toHaveLength(rows[0].n);
	});
});
