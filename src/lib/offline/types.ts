/** The shapes kept in the device's cache (see db.ts); type-only, so importing them costs nothing. */

export interface Tier {
	name: string;
	rank: number;
	benefits: string[];
	/** What keeps the tier: points to earn within the window (null for the entry tier). */
	keep: { threshold: number; windowDays: number; earned: number; remaining: number } | null;
}

export interface NextTier {
	name: string;
	threshold: number;
	earned: number;
	remaining: number;
}

/** A membership card as last read from the server; the shape the card screen draws. */
export interface CachedCard {
	id: string;
	userId: string;
	memberNumber: number;
	displayName: string | null;
	joinedAt: string;
	birthday: string | null;
	referralCode: string | null;
	points: number;
	wallet: number;
	expiringSoon: number;
	tier: Tier | null;
	nextTier: NextTier | null;
	club: {
		id: string;
		slug: string;
		name: string;
		currency: string;
		locale: string;
		branding: Record<string, unknown>;
	};
}

/** A card's rotating-QR secret (base64url), issued once per device by the card-secret function. */
export interface CardSecret {
	memberId: string;
	userId: string;
	secret: string;
}

/** One ledger entry as the history screen shows it. */
export interface HistoryEntry {
	id: number;
	account: 'points' | 'wallet';
	kind: string;
	amount: number;
	balanceAfter: number;
	reasonKey: string;
	reasonParams: Record<string, unknown>;
	createdAt: string;
	purchase: { id: string; amount: number; occurredAt: string; refundedAmount: number } | null;
	ruleVersion: number | null;
}

export interface CachedHistory {
	memberId: string;
	entries: HistoryEntry[];
	updatedAt: number;
}

/** A reward as one member sees it. */
export interface Reward {
	id: string;
	name: string;
	description: string | null;
	pointsCost: number;
	minTierRank: number;
	stock: number | null;
	validUntil: string | null;
	tierOk: boolean;
	affordable: boolean;
	inStock: boolean;
	limitLeft: number | null;
}

/** A one-time reward code the member was given. */
export interface Redemption {
	id: string;
	rewardId: string;
	rewardName: string;
	code: string;
	status: 'issued' | 'used' | 'expired' | 'cancelled';
	pointsCost: number;
	issuedAt: string;
	expiresAt: string;
}

export interface CachedCatalogue {
	memberId: string;
	rewards: Reward[];
	redemptions: Redemption[];
	updatedAt: number;
}

/** When a user's cached data was last refreshed: `cards`, or `history:<id>` and the like. */
export interface Stamp {
	kind: string;
	userId: string;
	updatedAt: number;
}
