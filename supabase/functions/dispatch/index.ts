/**
 * POST /functions/v1/dispatch `{ now?, limit? }` (service role; the scheduler's `dispatch` job):
 * one pass of the message dispatcher. Providers are configured by environment (see providers.ts).
 */
import { corsHeaders, error, json } from '../_shared/http.ts';
import { dispatchOnce } from '../_shared/messaging/dispatch.ts';
import { providersFromEnv } from '../_shared/messaging/providers.ts';
import { isServiceRole } from '../_shared/messaging/service-caller.ts';
import { serviceClient } from '../_shared/supabase.ts';

const providers = providersFromEnv((name) => Deno.env.get(name));

Deno.serve(async (request) => {
	if (request.method === 'OPTIONS')
		return new Response(null, { status: 204, headers: corsHeaders });
	if (request.method !== 'POST') return error(405, 'VAFA_METHOD_NOT_ALLOWED', 'Use POST.');
	if (!isServiceRole(request.headers.get('authorization')))
		return error(
			403,
			'VAFA_FORBIDDEN',
			'Only the scheduler (the service role) dispatches messages.'
		);
	const body = (await request.json().catch(() => ({}))) as { now?: unknown; limit?: unknown };
	const client = serviceClient();
	const report = await dispatchOnce({
		rpc: (fn, args) => client.rpc(fn, args),
		providers,
		now: typeof body.now === 'string' ? body.now : undefined,
		limit: typeof body.limit === 'number' ? body.limit : undefined
	});
	return json(report);
});
