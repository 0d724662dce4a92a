import { forgetAll } from '$lib/offline/forget';
import {
	getSupabase,
	SESSION_STORAGE_KEY,
	storedUserId,
	whenSupabaseLoaded
} from '$lib/supabase/lazy';
import { toAuthResult, type AuthResult } from './errors';

/** Sign-in by SMS code and the signed-in user: a thin wrapper over supabase-js auth. */
export const auth = {
	/** Texts a one-time code to an E.164 number (signing the user up if new). */
	async sendCode(phone: string): Promise<AuthResult> {
		try {
			const supabase = await getSupabase();
			const { error } = await supabase.auth.signInWithOtp({ phone });
			return error ? toAuthResult(error) : { ok: true };
		} catch (error) {
			return toAuthResult(error);
		}
	},

	/** Exchanges the texted code for a session. */
	async verifyCode(phone: string, token: string): Promise<AuthResult> {
		try {
			const supabase = await getSupabase();
			const { error } = await supabase.auth.verifyOtp({ phone, token, type: 'sms' });
			return error ? toAuthResult(error) : { ok: true };
		} catch (error) {
			return toAuthResult(error);
		}
	},

	/**
	 * The signed-in user's id, or null, from the stored session: routing never waits for the
	 * network or for supabase-js, which refreshes an expired token when data is first asked for.
	 */
	async userId(): Promise<string | null> {
		return storedUserId();
	},

	/** Calls back with the user id whenever the user signs in, out or changes. */
	onChange(callback: (userId: string | null) => void): () => void {
		let stop = false;
		let unsubscribe = () => {};
		// Subscribes once supabase-js is in use anyway; before that nothing can change the session.
		void whenSupabaseLoaded().then((supabase) => {
			if (stop) return;
			const { data } = supabase.auth.onAuthStateChange((event, session) => {
				// The first event replays the stored session, which userId() already gave; offline it can
				// come back empty after a failed token refresh although the user never signed out.
				if (event === 'INITIAL_SESSION') return;
				callback(session?.user.id ?? null);
			});
			unsubscribe = () => data.subscription.unsubscribe();
		});
		return () => {
			stop = true;
			unsubscribe();
		};
	},

	/** Ends the session on this device and forgets everything cached, which is this user's. */
	async signOut(): Promise<void> {
		const [signedOut] = await Promise.allSettled([
			getSupabase().then((supabase) => supabase.auth.signOut({ scope: 'local' })),
			forgetAll()
		]);
		// supabase-js keeps the session when the server cannot be reached; signing out offline must
		// still leave nothing of the user on the device.
		if (signedOut.status === 'rejected' || signedOut.value.error) {
			localStorage.removeItem(SESSION_STORAGE_KEY);
		}
	}
};
