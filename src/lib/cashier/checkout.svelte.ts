import { Attempt } from '$lib/supabase/attempt';
import { cashier, type Purchase, type Receipt, type Scan } from './checkout';

export type Stage = 'scan' | 'member' | 'receipt';

export interface Sale {
	amount: number;
	redeem: string[];
	walletSpend: number;
	pointsSpend: number;
}

/** The checkout screen: scan, the member and the sale, the receipt; top-ups and refunds. */
export class CheckoutState {
	#program: string;
	#stage = $state<Stage>('scan');
	#scan = $state<Scan | null>(null);
	#receipt = $state<Receipt | null>(null);
	#purchases = $state<Purchase[] | null>(null);
	#busy = $state<'lookup' | 'checkout' | 'topup' | 'refund' | null>(null);
	#problem = $state<string | null>(null);
	#notice = $state<'topped-up' | 'refunded' | null>(null);
	#sale = new Attempt('cashier');
	#topup = new Attempt('cashier');
	#refund = new Attempt('cashier');

	constructor(program: string) {
		this.#program = program;
	}

	get stage() {
		return this.#stage;
	}
	get scan() {
		return this.#scan;
	}
	get receipt() {
		return this.#receipt;
	}
	get purchases() {
		return this.#purchases;
	}
	get busy() {
		return this.#busy;
	}
	/** The last refusal as a stable code (or `network`), until the next action. */
	get problem() {
		return this.#problem;
	}
	get notice() {
		return this.#notice;
	}

	#start(what: NonNullable<CheckoutState['busy']>): boolean {
		if (this.#busy) return false;
		this.#busy = what;
		this.#problem = null;
		this.#notice = null;
		return true;
	}

	/** Finds the member behind a scanned payload, a typed code or a phone. */
	async lookup(card: string): Promise<boolean> {
		if (!this.#start('lookup')) return false;
		try {
			const result = await cashier.lookup(this.#program, card.trim());
			if (!result.ok) {
				this.#problem = result.problem;
				return false;
			}
			this.#scan = result.value;
			this.#receipt = null;
			this.#purchases = null;
			this.#stage = 'member';
			return true;
		} finally {
			this.#busy = null;
		}
	}

	/** Records the sale on the scan's ticket. */
	async checkout(sale: Sale): Promise<boolean> {
		const scan = this.#scan;
		if (!scan || !this.#start('checkout')) return false;
		try {
			const request = { ticket: scan.ticket, ...sale };
			const result = await cashier.checkout({
				program: this.#program,
				...request,
				idempotencyKey: this.#sale.keyFor(request)
			});
			if (!result.ok) {
				// A stale scan cannot be retried: back to the scanner, with the reason shown.
				if (result.problem === 'VAFA_SCAN_EXPIRED') this.reset();
				this.#problem = result.problem;
				return false;
			}
			this.#sale.done();
			this.#receipt = result.value;
			this.#scan = { ...scan, balances: result.value.balances };
			this.#stage = 'receipt';
			return true;
		} finally {
			this.#busy = null;
		}
	}

	async topup(amount: number): Promise<boolean> {
		const scan = this.#scan;
		if (!scan || !this.#start('topup')) return false;
		try {
			const request = { member: scan.memberId, amount, ticket: scan.ticket };
			const result = await cashier.topup(scan.memberId, amount, this.#topup.keyFor(request));
			if (!result.ok) {
				this.#problem = result.problem;
				return false;
			}
			this.#topup.done();
			this.#scan = { ...scan, balances: result.value };
			this.#notice = 'topped-up';
			return true;
		} finally {
			this.#busy = null;
		}
	}

	async loadPurchases(): Promise<void> {
		const scan = this.#scan;
		if (!scan) return;
		const result = await cashier.recentPurchases(scan.memberId);
		if (result.ok) this.#purchases = result.value;
		else this.#problem = result.problem;
	}

	async refund(purchase: Purchase, amount: number): Promise<boolean> {
		const scan = this.#scan;
		if (!scan || !this.#start('refund')) return false;
		try {
			const request = { purchase: purchase.id, amount };
			const result = await cashier.refund(purchase.id, amount, this.#refund.keyFor(request));
			if (!result.ok) {
				this.#problem = result.problem;
				return false;
			}
			this.#refund.done();
			this.#scan = { ...scan, balances: result.value };
			this.#notice = 'refunded';
			await this.loadPurchases();
			return true;
		} finally {
			this.#busy = null;
		}
	}

	/** Shows a problem found before asking the server (a malformed amount or code). */
	refuse(problem: string) {
		this.#problem = problem;
		this.#notice = null;
	}

	/** Back to the scanner for the next customer. */
	reset() {
		this.#stage = 'scan';
		this.#scan = null;
		this.#receipt = null;
		this.#purchases = null;
		this.#problem = null;
		this.#notice = null;
	}
}
