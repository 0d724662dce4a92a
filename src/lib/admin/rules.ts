import { getSupabase } from '$lib/supabase/lazy';
import { attempt, failure, type Result } from './result';

/** One stored version of the club's earning rules. Versions are only ever added. */
export interface RuleVersion {
	version: number;
	rules: Record<string, unknown>;
	effectiveFrom: string;
	createdAt: string;
	createdBy: string | null;
}

export interface RuleIssue {
	path: string;
	message: string;
}

export type Published =
	| { ok: true; version: number; effectiveFrom: string }
	| { ok: false; code: string; issues?: RuleIssue[] };

interface Row {
	version: number;
	rules: Record<string, unknown>;
	effective_from: string;
	created_at: string;
	created_by: string | null;
}

/** The club's earning rules: read under RLS, published through the `rules` edge function. */
export const adminRules = {
	/** Every version, newest first. */
	versions(programId: string): Promise<Result<RuleVersion[]>> {
		return attempt(async () => {
			const supabase = await getSupabase();
			const { data, error } = await supabase
				.from('earning_rules')
				.select('version, rules, effective_from, created_at, created_by')
				.eq('program_id', programId)
				.order('version', { ascending: false })
				.limit(100);
			if (error) return failure(error);
			return {
				ok: true,
				value: (data as Row[]).map((row) => ({
					version: row.version,
					rules: row.rules,
					effectiveFrom: row.effective_from,
					createdAt: row.created_at,
					createdBy: row.created_by
				}))
			};
		});
	},

	/**
	 * Publishes `rules` as the next version from `effectiveFrom` (now when null). The function
	 * validates them with the same schema as the editor; only it may write them (`publish_earning_rules`).
	 */
	async publish(programId: string, rules: unknown, effectiveFrom: Date | null): Promise<Published> {
		if (typeof navigator !== 'undefined' && navigator.onLine === false)
			return { ok: false, code: 'NETWORK' };
		try {
			const supabase = await getSupabase();
			const { data, error } = await supabase.functions.invoke('rules', {
				body: {
					program: programId,
					rules,
					...(effectiveFrom ? { effective_from: effectiveFrom.toISOString() } : {})
				}
			});
			if (error) {
				const response = (error as { context?: Response }).context;
				const body =
					response && typeof response.json === 'function'
						? ((await response.json().catch(() => null)) as {
								code?: string;
								issues?: RuleIssue[];
							} | null)
						: null;
				if (body?.code) return { ok: false, code: body.code, issues: body.issues };
				return { ok: false, code: response ? 'UNKNOWN' : 'NETWORK' };
			}
			const published = data as { version: number; effective_from: string };
			return { ok: true, version: published.version, effectiveFrom: published.effective_from };
		} catch {
			return { ok: false, code: 'NETWORK' };
		}
	}
};

/** A staff member or former staff member, as the club's managers may see them. */
export interface Person {
	userId: string;
	phone: string;
	name: string | null;
	role: 'cashier' | 'manager' | 'owner' | null;
	since: string | null;
}

interface PersonRow {
	user_id: string;
	phone: string;
	name: string | null;
	role: Person['role'];
	since: string | null;
}

/** The club's staff, plus those of `userIds` who acted in the club (for names in logs). */
export function clubPeople(programId: string, userIds?: string[]): Promise<Result<Person[]>> {
	return attempt(async () => {
		const supabase = await getSupabase();
		const { data, error } = await supabase.rpc('club_people', {
			p_program_id: programId,
			...(userIds ? { p_user_ids: userIds } : {})
		});
		if (error) return failure(error);
		return {
			ok: true,
			value: (data as PersonRow[]).map((row) => ({
				userId: row.user_id,
				phone: row.phone,
				name: row.name,
				role: row.role,
				since: row.since
			}))
		};
	});
}
