import { createClient } from '@supabase/supabase-js';
import { SESSION_STORAGE_KEY } from './lazy';

/** The well-known demo anon key of `supabase start` (and of the local stack): public by design. */
const LOCAL_ANON_KEY =
	'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0';

/** The one supabase-js client of the app; every data module goes through it. */
export const supabase = createClient(
	import.meta.env.PUBLIC_SUPABASE_URL || 'http://127.0.0.1:54321',
	import.meta.env.PUBLIC_SUPABASE_ANON_KEY || LOCAL_ANON_KEY,
	{
		auth: {
			storageKey: SESSION_STORAGE_KEY,
			persistSession: true,
			autoRefreshToken: true,
			// Sign-in is by SMS code only; no tokens ever arrive in the URL.
			detectSessionInUrl: false
		}
	}
);
