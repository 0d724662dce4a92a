import { createContext } from 'svelte';
import { auth } from './auth';

/** Who is signed in, kept current as supabase-js signs users in, out and refreshes them. */
export class Session {
	#userId = $state<string | null>(null);

	/** Call during component initialisation: the subscription lives as long as the component. */
	constructor(userId: string | null) {
		this.#userId = userId;
		$effect(() => auth.onChange((next) => (this.#userId = next)));
	}

	get userId(): string | null {
		return this.#userId;
	}

	get signedIn(): boolean {
		return this.#userId !== null;
	}

	async signOut(): Promise<void> {
		await auth.signOut();
		this.#userId = null;
	}
}

export const [getSession, setSession] = createContext<Session>();
