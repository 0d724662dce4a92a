import type { Outcome } from './rpc';

/**
 * A member's lotteries, referrals or surveys as their screen loads them: the value once a call
 * brought it (kept through a later failed reload), and the code the last call failed with, which
 * `LoadStatus` turns into its offline or failure panel.
 */
export class Loaded<T> {
	#fetch: () => Promise<Outcome<T>>;
	value = $state<T | null>(null);
	problem = $state<string | null>(null);

	constructor(fetch: () => Promise<Outcome<T>>) {
		this.#fetch = fetch;
	}

	/** Calls again; an arrow so that it can be handed to a button as it is. */
	load = async (): Promise<void> => {
		this.problem = null;
		const result = await this.#fetch();
		if (result.ok) this.value = result.value;
		else this.problem = result.code;
	};
}
