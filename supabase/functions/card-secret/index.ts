/**
 * POST /functions/v1/card-secret `{ member_id }`: issues (or rotates) the secret the app draws the
 * caller's rotating QR code with. Runs as the caller, so only the card's owner can get it.
 */
import { corsHeaders, error, json } from '../_shared/http.ts';
import { callerClient } from '../_shared/supabase.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

Deno.serve(async (request) => {
	if (request.method === 'OPTIONS')
		return new Response(null, { status: 204, headers: corsHeaders });
	if (request.method !== 'POST') return error(405, 'VAFA_METHOD_NOT_ALLOWED', 'Use POST.');
	const client = callerClient(request);
	const { data: user, error: authError } = await client.auth.getUser();
	if (authError || !user.user)
		return error(401, 'VAFA_NOT_SIGNED_IN', 'Sign in to show your card.');
	const body = await request.json().catch(() => null);
	const memberId = body?.member_id;
	if (typeof memberId !== 'string' || !UUID.test(memberId))
		return error(400, 'VAFA_INVALID_REQUEST', 'Send { "member_id": "<your membership id>" }.');
	const { data, error: rpcError } = await client.rpc('issue_card_secret', {
		p_member_id: memberId
	});
	if (rpcError?.message === 'VAFA_MEMBER_NOT_FOUND')
		return error(404, 'VAFA_MEMBER_NOT_FOUND', 'No such membership of yours.');
	if (rpcError) return error(500, 'VAFA_CARD_SECRET_FAILED', rpcError.message);
	const response = json({
		member_id: data.member_id,
		secret: data.secret,
		step_seconds: data.step_seconds,
		issued_at: data.issued_at
	});
	// A secret must not stay in any cache between the app and here.
	response.headers.set('cache-control', 'no-store');
	return response;
});
