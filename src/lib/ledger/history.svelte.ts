import { cursorAfter, history, PAGE_SIZE, type HistoryEntry } from './history';

/** A history list that grows page by page as the user scrolls, starting from the cached page. */
export class HistoryState {
	#memberId: string;
	#entries = $state<HistoryEntry[]>([]);
	#updatedAt = $state<number | null>(null);
	#done = $state(false);
	#busy = $state(false);
	#problem = $state<'network' | 'unknown' | null>(null);
	#fromServer = false;

	constructor(memberId: string, cached: { entries: HistoryEntry[]; updatedAt: number } | null) {
		this.#memberId = memberId;
		this.#entries = cached?.entries ?? [];
		this.#updatedAt = cached?.updatedAt ?? null;
	}

	get entries() {
		return this.#entries;
	}

	get updatedAt() {
		return this.#updatedAt;
	}

	/** Whether the oldest entry is shown. */
	get done() {
		return this.#done;
	}

	get busy() {
		return this.#busy;
	}

	get problem() {
		return this.#problem;
	}

	/** The first page from the server, replacing the cached one. */
	async refresh(): Promise<void> {
		await this.#load(null);
	}

	/** The next page after the last entry shown. */
	async more(): Promise<void> {
		if (this.#done || this.#busy) return;
		const last = this.#entries.at(-1);
		await this.#load(this.#fromServer && last ? cursorAfter(last) : null);
	}

	async #load(cursor: ReturnType<typeof cursorAfter> | null) {
		if (this.#busy) return;
		this.#busy = true;
		try {
			const result = await history.page(this.#memberId, cursor);
			if (!result.ok) {
				this.#problem = result.problem;
				return;
			}
			this.#problem = null;
			this.#entries = cursor ? [...this.#entries, ...result.entries] : result.entries;
			if (!cursor) this.#updatedAt = result.updatedAt;
			this.#fromServer = true;
			this.#done = result.entries.length < PAGE_SIZE;
		} finally {
			this.#busy = false;
		}
	}
}
