declare global {
	interface ImportMetaEnv {
		/** Defaults to the local stack; set both to point the app at `supabase start` or a hosted project. */
		readonly PUBLIC_SUPABASE_URL?: string;
		readonly PUBLIC_SUPABASE_ANON_KEY?: string;
	}
}

export {};
