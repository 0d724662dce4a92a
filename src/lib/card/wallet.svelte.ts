import { cards, type MemberCard, type Wallet } from './cards';
import { pollWhileVisible } from '$lib/offline/poll';

/** How often an open card asks for new balances: a checkout shows within 3 s. */
const POLL_MS = 2000;
/** How often it checks that no other device has taken a card over: once per QR step. */
const FINGERPRINT_MS = 30_000;

/** The user's cards as the screen shows them: the device's copy first, then the server's. */
export class WalletState {
	#userId: string;
	#wallet = $state<Wallet | null>(null);
	#secrets = $state<Record<string, string>>({});
	#problem = $state<'network' | 'unknown' | null>(null);
	#loaded = $state(false);
	#stale = $state<string[]>([]);
	#checkedAt = 0;
	// Balances each card's offline history and catalogue were last fetched at, by card id.
	#prefetched: Record<string, string> = {};

	constructor(userId: string, cached: Wallet | null, secrets: Record<string, string>) {
		this.#userId = userId;
		this.#wallet = cached;
		this.#secrets = secrets;
	}

	get cards(): MemberCard[] {
		return this.#wallet?.cards ?? [];
	}

	get updatedAt(): number | null {
		return this.#wallet?.updatedAt ?? null;
	}

	/** Whether the server has answered (or failed) at least once since the screen opened. */
	get loaded(): boolean {
		return this.#loaded || this.#wallet !== null;
	}

	/** Why the last refresh failed, or null when what is shown is current. */
	get problem() {
		return this.#problem;
	}

	secretOf(memberId: string): string | null {
		return this.#secrets[memberId] ?? null;
	}

	/**
	 * Whether another device has taken this card over since this one got its secret: its codes
	 * would be refused at the counter, so the card offers to take it back instead of showing them.
	 */
	isStale(memberId: string): boolean {
		return this.#stale.includes(memberId);
	}

	/** Makes this device the card's again (the other device's codes stop being accepted). */
	async takeOver(memberId: string): Promise<boolean> {
		const secret = await cards.issueSecret(this.#userId, memberId);
		if (!secret) return false;
		this.#secrets = { ...this.#secrets, [memberId]: secret };
		this.#stale = this.#stale.filter((id) => id !== memberId);
		return true;
	}

	/** Reads the cards from the server, then gives any card without a secret its first one. */
	async refresh(): Promise<void> {
		const result = await cards.listMine(this.#userId);
		this.#loaded = true;
		if (!result.ok) {
			this.#problem = result.problem;
			return;
		}
		this.#problem = null;
		// Unchanged cards keep their objects, so nothing derived from them is worked out again.
		this.#wallet =
			result.changed || !this.#wallet
				? result.wallet
				: { cards: this.#wallet.cards, updatedAt: result.wallet.updatedAt };
		for (const card of result.wallet.cards) {
			if (this.#secrets[card.id]) continue;
			const secret = await cards.issueSecret(this.#userId, card.id);
			if (secret) this.#secrets = { ...this.#secrets, [card.id]: secret };
		}
		void this.#prefetch(result.wallet.cards);
		void this.#checkSecrets();
	}

	async #checkSecrets() {
		if (Date.now() - this.#checkedAt < FINGERPRINT_MS) return;
		this.#checkedAt = Date.now();
		const current = await cards.fingerprints();
		if (!current) {
			this.#checkedAt = 0;
			return;
		}
		const { staleCards } = await import('./fingerprint');
		this.#stale = await staleCards(this.#secrets, current);
	}

	/** Keeps each card's first history page and catalogue on the device for when it goes offline. */
	async #prefetch(mine: MemberCard[]) {
		const stale = mine.filter(
			(card) => this.#prefetched[card.id] !== `${card.points}:${card.wallet}`
		);
		if (stale.length === 0) return;
		// Loaded here rather than imported, so they stay off the path to the first QR.
		const [{ history }, { rewards }] = await Promise.all([
			import('$lib/ledger/history'),
			import('$lib/rewards/rewards')
		]);
		for (const card of stale) {
			const [page, catalogue] = await Promise.all([
				history.page(card.id, null),
				rewards.catalogue(card.id)
			]);
			if (page.ok && catalogue.ok) this.#prefetched[card.id] = `${card.points}:${card.wallet}`;
		}
	}

	/** Refreshes now, then keeps the balances current while the screen is on; returns a stop. */
	watch(): () => void {
		void this.refresh();
		return pollWhileVisible(() => this.refresh(), POLL_MS);
	}
}
