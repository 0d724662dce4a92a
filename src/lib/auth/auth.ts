import { SESSION_STORAGE_KEY, supabase } from '$lib/supabase/client';
import { db, forgetAll } from '$lib/offline/db';
import { toAuthResult, type AuthResult } from './errors';

/** Sign-in by SMS code and the signed-in user: a thin wrapper over supabase-js auth. */
export const auth = {
	/** Texts a one-time code to an E.164 number (signing the user up if new). */
	async sendCode(phone: string): Promise<AuthResult> {
		try {
			const { error } = await supabase.auth.signInWithOtp({ phone });
			return error ? toAuthResult(error) : { ok: true };
		} catch (error) {
			return toAuthResult(error);
		}
	},

	/** Exchanges the texted code for a session. */
	async verifyCode(phone: string, token: string): Promise<AuthResult> {
		try {
			const { error } = await supabase.auth.verifyOtp({ phone, token, type: 'sms' });
			return error ? toAuthResult(error) : { ok: true };
		} catch (error) {
			return toAuthResult(error);
		}
	},

	/**
	 * The signed-in user's id, or null. Offline it answers from the device cache instead: with an
	 * expired token supabase-js would retry the refresh for half a minute before giving up.
	 */
	async userId(): Promise<string | null> {
		if (!navigator.onLine) return (await db.stamps.get('cards'))?.userId ?? null;
		const { data } = await supabase.auth.getSession();
		return data.session?.user.id ?? null;
	},

	/** Calls back with the user id whenever the user signs in, out or changes. */
	onChange(callback: (userId: string | null) => void): () => void {
		const { data } = supabase.auth.onAuthStateChange((event, session) => {
			// The first event replays the stored session, which userId() already gave; offline it can
			// come back empty after a failed token refresh although the user never signed out.
			if (event === 'INITIAL_SESSION') return;
			callback(session?.user.id ?? null);
		});
		return () => data.subscription.unsubscribe();
	},

	/** Ends the session on this device and forgets the cached cards, which are this user's. */
	async signOut(): Promise<void> {
		const [signedOut] = await Promise.allSettled([
			supabase.auth.signOut({ scope: 'local' }),
			forgetAll()
		]);
		// supabase-js keeps the session when the server cannot be reached; signing out offline must
		// still leave nothing of the user on the device.
		if (signedOut.status === 'rejected' || signedOut.value.error) {
			localStorage.removeItem(SESSION_STORAGE_KEY);
		}
	}
};
