/** POST /functions/v1/rules: a manager publishes a new version of the club's earning rules. */
import { corsHeaders, error, json } from '../_shared/http.ts';
import { parsePublishRequest, publishRules, type PublishError } from '../_shared/rules/publish.ts';
import { callerClient, serviceClient } from '../_shared/supabase.ts';

/** `{ code, message, issues? }` with the error's status. */
function problem({ status, ...body }: PublishError): Response {
	return json(body, status);
}

Deno.serve(async (request) => {
	if (request.method === 'OPTIONS')
		return new Response(null, { status: 204, headers: corsHeaders });
	if (request.method !== 'POST') return error(405, 'VAFA_METHOD_NOT_ALLOWED', 'Use POST.');
	const body = await request.json().catch(() => undefined);
	const parsed = parsePublishRequest(body, new Date());
	if (!parsed.ok) return problem(parsed.error);
	// The caller's session says who asks; the database checks that they manage the club.
	const { data: user, error: authError } = await callerClient(request).auth.getUser();
	if (authError || !user.user)
		return error(401, 'VAFA_NOT_SIGNED_IN', 'Sign in as a manager to change the rules.');
	const published = await publishRules(serviceClient(), user.user.id, parsed);
	if (!published.ok) return problem(published.error);
	return json({ version: published.version, effective_from: published.effective_from }, 201);
});
