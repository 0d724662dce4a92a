/** GET /functions/v1/my-cards: the caller's membership cards, read as the caller under RLS. */
import { CARD_SELECT, toCards, type MemberRow } from '../_shared/cards.ts';
import { corsHeaders, error, json } from '../_shared/http.ts';
import { callerClient } from '../_shared/supabase.ts';

Deno.serve(async (request) => {
	if (request.method === 'OPTIONS')
		return new Response(null, { status: 204, headers: corsHeaders });
	if (request.method !== 'GET') return error(405, 'VAFA_METHOD_NOT_ALLOWED', 'Use GET.');
	const client = callerClient(request);
	const { data: user, error: authError } = await client.auth.getUser();
	if (authError || !user.user)
		return error(401, 'VAFA_NOT_SIGNED_IN', 'Sign in to see your cards.');
	const { data, error: readError } = await client
		.from('members')
		.select(CARD_SELECT)
		.eq('user_id', user.user.id);
	if (readError) return error(500, 'VAFA_READ_FAILED', readError.message);
	return json({ cards: toCards((data ?? []) as unknown as MemberRow[]) });
});
