import {
	rewards,
	type Catalogue,
	type RedeemProblem,
	type Redemption,
	type Reward
} from './rewards';
import { Attempt } from '$lib/supabase/attempt';

/** The rewards screen: the catalogue (cached first), redeeming, and the code just given. */
export class RewardsState {
	#memberId: string;
	#catalogue = $state<Catalogue | null>(null);
	#problem = $state<'network' | 'unknown' | null>(null);
	#redeeming = $state<string | null>(null);
	#redeemProblem = $state<RedeemProblem | null>(null);
	#shown = $state<Redemption | null>(null);
	/** A redemption retried after a lost answer keeps its key, so the points are taken once. */
	#attempt = new Attempt('redeem');

	constructor(memberId: string, cached: Catalogue | null) {
		this.#memberId = memberId;
		this.#catalogue = cached;
	}

	get rewards(): Reward[] {
		return this.#catalogue?.rewards ?? [];
	}

	get redemptions(): Redemption[] {
		return this.#catalogue?.redemptions ?? [];
	}

	get updatedAt() {
		return this.#catalogue?.updatedAt ?? null;
	}

	get loaded() {
		return this.#catalogue !== null || this.#problem !== null;
	}

	get problem() {
		return this.#problem;
	}

	/** The reward being redeemed now, by id. */
	get redeeming() {
		return this.#redeeming;
	}

	get redeemProblem() {
		return this.#redeemProblem;
	}

	/** The code to show the cashier, until closed. */
	get shown() {
		return this.#shown;
	}

	set shown(redemption: Redemption | null) {
		this.#shown = redemption;
	}

	async refresh(): Promise<void> {
		const result = await rewards.catalogue(this.#memberId);
		if (!result.ok) {
			this.#problem = result.problem;
			return;
		}
		this.#problem = null;
		this.#catalogue = result.catalogue;
	}

	async redeem(reward: Reward): Promise<void> {
		if (this.#redeeming) return;
		this.#redeeming = reward.id;
		this.#redeemProblem = null;
		try {
			const result = await rewards.redeem(reward, this.#attempt.keyFor({ reward: reward.id }));
			if (!result.ok) {
				// Only a lost answer may be the same redemption sent again; a refusal is final.
				if (result.problem !== 'network') this.#attempt.done();
				this.#redeemProblem = result.problem;
				return;
			}
			this.#attempt.done();
			this.#shown = result.redemption;
			await this.refresh();
		} finally {
			this.#redeeming = null;
		}
	}
}
