/** Publishing a rule set: a new version, effective now or later, written as the caller under RLS. */
import type { SupabaseClient } from 'npm:@supabase/supabase-js@2';
import { parseRuleSet, type RuleIssue, type RuleSet } from './schema.ts';

/** The database accepts an effective_from up to 5 s before the row is written; so do we. */
const CLOCK_SKEW_MS = 5_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface PublishError {
	status: number;
	code: string;
	message: string;
	issues?: RuleIssue[];
}

export type PublishRequest =
	| { ok: true; program: string; rules: RuleSet; effectiveFrom: Date }
	| { ok: false; error: PublishError };

/** Checks `{ program, rules, effective_from? }`; `now` is the server's clock. */
export function parsePublishRequest(body: unknown, now: Date): PublishRequest {
	if (typeof body !== 'object' || body === null || Array.isArray(body))
		return bad('VAFA_BAD_REQUEST', 'Send a JSON object: { program, rules, effective_from? }.');
	const { program, rules, effective_from } = body as Record<string, unknown>;
	if (typeof program !== 'string' || !UUID.test(program))
		return bad('VAFA_BAD_REQUEST', '`program` must be the club id (a uuid).');
	let effectiveFrom = now;
	if (effective_from !== undefined && effective_from !== null) {
		const parsed = typeof effective_from === 'string' ? new Date(effective_from) : null;
		if (
			!parsed ||
			Number.isNaN(parsed.getTime()) ||
			!/^\d{4}-\d{2}-\d{2}T/.test(effective_from as string)
		)
			return bad('VAFA_BAD_REQUEST', '`effective_from` must be an ISO 8601 timestamp.');
		if (parsed.getTime() < now.getTime() - CLOCK_SKEW_MS)
			return bad(
				'VAFA_RULES_RETROACTIVE',
				'Rules take effect from now or later; a change never rewrites past purchases.'
			);
		effectiveFrom = parsed;
	}
	const parsedRules = parseRuleSet(rules);
	if (!parsedRules.ok)
		return {
			ok: false,
			error: {
				status: 400,
				code: parsedRules.code,
				message: parsedRules.message,
				issues: parsedRules.issues
			}
		};
	return { ok: true, program, rules: parsedRules.rules, effectiveFrom };
}

function bad(code: string, message: string): { ok: false; error: PublishError } {
	return { ok: false, error: { status: 400, code, message } };
}

/** A Postgres error from PostgREST, mapped to what the caller can act on. */
function refused(error: { code?: string; message: string }): PublishError {
	if (error.code === '42501')
		return {
			status: 403,
			code: 'VAFA_FORBIDDEN',
			message: "Only the club's managers and owners can change its earning rules."
		};
	if (error.code === '23514')
		return {
			status: 400,
			code: 'VAFA_RULES_RETROACTIVE',
			message: 'Rules take effect from now or later; a change never rewrites past purchases.'
		};
	return { status: 500, code: 'VAFA_WRITE_FAILED', message: error.message };
}

export type Published =
	{ ok: true; version: number; effective_from: string } | { ok: false; error: PublishError };

/**
 * Inserts the next version as the caller, so RLS decides who may. Two managers publishing at once
 * race for the same number; the loser retries with the next one.
 */
export async function publishRules(
	client: SupabaseClient,
	userId: string,
	request: Extract<PublishRequest, { ok: true }>
): Promise<Published> {
	for (let attempt = 0; attempt < 3; attempt++) {
		const latest = await client
			.from('earning_rules')
			.select('version')
			.eq('program_id', request.program)
			.order('version', { ascending: false })
			.limit(1);
		if (latest.error) return { ok: false, error: refused(latest.error) };
		const version = ((latest.data?.[0]?.version as number | undefined) ?? 0) + 1;
		const inserted = await client
			.from('earning_rules')
			.insert({
				program_id: request.program,
				version,
				rules: request.rules,
				effective_from: request.effectiveFrom.toISOString(),
				created_by: userId
			})
			.select('version, effective_from')
			.single();
		if (inserted.error?.code === '23505') continue;
		if (inserted.error) return { ok: false, error: refused(inserted.error) };
		return {
			ok: true,
			version: inserted.data.version,
			effective_from: new Date(inserted.data.effective_from).toISOString()
		};
	}
	return {
		ok: false,
		error: {
			status: 409,
			code: 'VAFA_RULES_CONFLICT',
			message: 'Another change to the rules was published at the same moment; try again.'
		}
	};
}
