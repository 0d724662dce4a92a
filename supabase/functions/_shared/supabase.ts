/** supabase-js clients inside a function: the caller's (so RLS applies) and, where a rule needs it, the service role's. */
import { createClient, type SupabaseClient } from 'npm:@supabase/supabase-js@2';

function env(name: string): string {
	const value = Deno.env.get(name);
	if (!value) throw new Error(`${name} is not set; Supabase sets it for every function.`);
	return value;
}

/** A client that acts as the caller: their JWT is passed on, so row-level security applies. */
export function callerClient(request: Request): SupabaseClient {
	return createClient(env('SUPABASE_URL'), env('SUPABASE_ANON_KEY'), {
		global: { headers: { Authorization: request.headers.get('authorization') ?? '' } },
		auth: { persistSession: false, autoRefreshToken: false }
	});
}

let service: SupabaseClient | undefined;

/**
 * The service role's client, made once per worker. Only for what a rule requires: the checkout
 * applies trusted accrual lines, and a POS key is not a user, so neither can act as the caller.
 */
export function serviceClient(): SupabaseClient {
	service ??= createClient(env('SUPABASE_URL'), env('SUPABASE_SERVICE_ROLE_KEY'), {
		auth: { persistSession: false, autoRefreshToken: false }
	});
	return service;
}
