/**
 * One idempotency key per attempt: the same request sent again (a double tap, a retry after a
 * lost answer) carries the same key, so the server records it once; a changed request gets a new
 * key.
 */
export class Attempt {
	#request = '';
	#key = '';

	keyFor(request: unknown): string {
		const text = JSON.stringify(request);
		if (text !== this.#request) {
			this.#request = text;
			this.#key = `cashier-${crypto.randomUUID()}`;
		}
		return this.#key;
	}

	/** After a success the next request, even an identical one, is a new operation. */
	done() {
		this.#request = '';
	}
}
