/** GET /functions/v1/ping: a health check for uptime monitors that also proves the JWT gateway. */
import { corsHeaders, json } from '../_shared/http.ts';

Deno.serve((request) =>
	request.method === 'OPTIONS'
		? new Response(null, { status: 204, headers: corsHeaders })
		: json({ ok: true })
);
