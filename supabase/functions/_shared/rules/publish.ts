/** Publishing a rule set: a new version, effective now or later, checked here and written by the database for the caller. */
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
	// publish_earning_rules refuses a caller who does not manage the club; any other 42501 (a
	// missing grant) is the deployment's fault, not the caller's, and falls through to a 500.
	if (error.code === '42501' && error.message === 'VAFA_FORBIDDEN')
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
 * Writes the next version through `publish_earning_rules`, which only the service role may call:
 * managers cannot insert rules themselves, so every stored version has passed `parseRuleSet`. The
 * database checks that `userId` (the caller, from their verified session) manages the club, numbers
 * the version under a lock and audits it under their name.
 */
export async function publishRules(
	service: SupabaseClient,
	userId: string,
	request: Extract<PublishRequest, { ok: true }>
): Promise<Published> {
	const { data, error } = await service.rpc('publish_earning_rules', {
		p_program_id: request.program,
		p_rules: request.rules,
		p_effective_from: request.effectiveFrom.toISOString(),
		p_actor: userId
	});
	if (error) return { ok: false, error: refused(error) };
	const row = data as { version: number; effective_from: string };
	return {
		ok: true,
		version: row.version,
		effective_from: new Date(row.effective_from).toISOString()
	};
}
