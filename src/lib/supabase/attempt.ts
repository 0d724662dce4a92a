/**
 * One idempotency key per attempt at a write (a checkout, a redemption, an adjustment, lottery
 * entries): the same request sent again (a double tap, a retry after a lost answer) carries the
 * same key, so the server records it once; a changed request gets a new key.
 */
export class Attempt {
	#prefix: string;
	#request = '';
	#key = '';

	/** `prefix` names the kind of write in the key, for whoever reads the ledger. */
	constructor(prefix: string) {
		this.#prefix = prefix;
	}

	keyFor(request: unknown): string {
		const text = JSON.stringify(request);
		if (text !== this.#request) {
			this.#request = text;
			this.#key = `${this.#prefix}-${crypto.randomUUID()}`;
		}
		return this.#key;
	}

	/** After a success the next request, even an identical one, is a new operation. */
	done() {
		this.#request = '';
	}
}
