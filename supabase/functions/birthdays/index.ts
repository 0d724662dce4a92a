/** POST /functions/v1/birthdays `{ now? }` (service role; the scheduler's `birthdays` job). */
import { corsHeaders, error, json } from '../_shared/http.ts';
import { runBirthdays } from '../_shared/messaging/birthdays.ts';
import { isServiceRole } from '../_shared/messaging/service-caller.ts';
import { serviceClient } from '../_shared/supabase.ts';

Deno.serve(async (request) => {
	if (request.method === 'OPTIONS')
		return new Response(null, { status: 204, headers: corsHeaders });
	if (request.method !== 'POST') return error(405, 'VAFA_METHOD_NOT_ALLOWED', 'Use POST.');
	if (!isServiceRole(request.headers.get('authorization')))
		return error(
			403,
			'VAFA_FORBIDDEN',
			'Only the scheduler (the service role) runs the birthday job.'
		);
	const body = (await request.json().catch(() => ({}))) as { now?: unknown };
	const client = serviceClient();
	return json(
		await runBirthdays(
			(fn, args) => client.rpc(fn, args),
			typeof body.now === 'string' ? body.now : undefined
		)
	);
});
