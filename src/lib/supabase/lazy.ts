import type { SupabaseClient } from '@supabase/supabase-js';

/** Where supabase-js keeps the session in localStorage (read without loading supabase-js). */
export const SESSION_STORAGE_KEY = 'vafa:auth';

let client: Promise<SupabaseClient> | null = null;
let markLoaded: (client: SupabaseClient) => void = () => {};
const loaded = new Promise<SupabaseClient>((resolve) => (markLoaded = resolve));

/**
 * The app's supabase-js client, loaded on first use: a card drawn from the device's cache must
 * not wait for supabase-js to download and parse.
 */
export function getSupabase(): Promise<SupabaseClient> {
	client ??= import('./client').then(({ supabase }) => {
		markLoaded(supabase);
		return supabase;
	});
	return client;
}

/** Resolves once something else has loaded supabase-js; never loads it by itself. */
export function whenSupabaseLoaded(): Promise<SupabaseClient> {
	return loaded;
}

/** The signed-in user's id as supabase-js last stored it, or null; no network, no supabase-js. */
export function storedUserId(): string | null {
	try {
		const session = JSON.parse(localStorage.getItem(SESSION_STORAGE_KEY) ?? 'null');
		const id = session?.user?.id;
		return typeof id === 'string' ? id : null;
	} catch {
		return null;
	}
}
