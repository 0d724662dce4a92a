/** supabase-js clients for the integration layer: anon, service role, and a signed-in phone user. */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { inject } from 'vitest';
import ws from 'ws';

const options = {
	realtime: { transport: ws as unknown as typeof WebSocket },
	auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false }
};

/** A client with the anon key and no session. */
export function anonClient(): SupabaseClient {
	const { url, anonKey } = inject('stack');
	return createClient(url, anonKey, options);
}

/** A client with the service-role key (bypasses RLS; for arranging tests only). */
export function serviceClient(): SupabaseClient {
	const { url, serviceRoleKey } = inject('stack');
	return createClient(url, serviceRoleKey, options);
}

/** Signs a phone user in with an OTP (the seed's test OTP by default) and returns their client. */
export async function phoneClient(phone: string, code = '123456'): Promise<SupabaseClient> {
	const client = anonClient();
	const { error } = await client.auth.verifyOtp({ phone, token: code, type: 'sms' });
	if (error) throw new Error(`sign-in of ${phone} failed: ${error.code} ${error.message}`);
	return client;
}
