import { getSupabase } from '$lib/supabase/lazy';

/** An engagement call's outcome: its data, or the stable code it failed with (`network` offline). */
export type Outcome<T> = { ok: true; value: T } | { ok: false; code: string };

/** Calls a database function under the member's or staff member's own JWT (RLS applies). */
export async function rpc<T>(fn: string, args: Record<string, unknown> = {}): Promise<Outcome<T>> {
	if (!navigator.onLine) return { ok: false, code: 'network' };
	try {
		const supabase = await getSupabase();
		const { data, error } = await supabase.rpc(fn, args);
		if (error) return { ok: false, code: error.code ? error.message : 'network' };
		return { ok: true, value: data as T };
	} catch {
		return { ok: false, code: 'network' };
	}
}

/** A fresh idempotency key for one user action (a retry of the same action reuses it). */
export function newKey(): string {
	return `app-${crypto.randomUUID()}`;
}
