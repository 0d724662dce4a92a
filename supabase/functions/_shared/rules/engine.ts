/**
 * The accrual rules engine: a purchase, a member and the rule version in force in, explained
 * ledger lines out. Pure and deterministic; points are integers, rounded once per line.
 */
import {
	dayNumber,
	inBirthdayWindow,
	localTime,
	minutesOf,
	type CalendarKind,
	type LocalTime
} from './calendar.ts';
import type { RuleSet } from './schema.ts';

export interface PurchaseLine {
	amount: number;
	category?: string;
	sku?: string;
	quantity?: number;
}

export interface EvaluationInput {
	purchase: { amount: number; lines?: PurchaseLine[]; at: Date };
	member: {
		tierRank: number;
		tierMultiplier: number;
		/** Visits before this purchase. */
		visitCount: number;
		/** Gregorian `YYYY-MM-DD`. */
		birthday?: string | null;
		firstPurchase: boolean;
		/** The referrer's member id. */
		referredBy?: string | null;
		/** Points earned today in the club's timezone, before this purchase. */
		pointsEarnedToday: number;
		/** When the member last got the birthday bonus; it is paid once per birthday. */
		birthdayBonusAt?: Date | string | null;
	};
	club: { timezone: string; locale: 'fa' | 'he' | 'en' };
	rules: RuleSet;
	version: number;
}

export interface AccrualLine {
	points: number;
	reason_key: string;
	reason_params: Record<string, unknown>;
	line?: number;
}

export interface Gift {
	reward_id: string;
	reason_key: string;
	reason_params: Record<string, unknown>;
}

export interface Evaluation {
	lines: AccrualLine[];
	/** Credited to the referrer on the referee's first purchase. */
	referrer: AccrualLine[];
	gifts: Gift[];
	total: number;
	capped: boolean;
}

type Rounding = RuleSet['base']['rounding'];

/** `numerator / denominator` rounded as the rule says, in exact integer arithmetic. */
function divide(numerator: bigint, denominator: bigint, rounding: Rounding): number {
	const result =
		rounding === 'floor'
			? numerator / denominator
			: rounding === 'ceil'
				? (numerator + denominator - 1n) / denominator
				: (2n * numerator + denominator) / (2n * denominator);
	return Number(result);
}

/** A decimal multiplier as an integer number of hundredths (1.25 → 125). */
function hundredths(value: number): bigint {
	return BigInt(Math.round(value * 100));
}

function spendPoints(amount: number, rules: RuleSet, multiplier = 1): number {
	const { points, per, rounding } = rules.base;
	return divide(
		BigInt(amount) * BigInt(points) * hundredths(multiplier),
		BigInt(per) * 100n,
		rounding
	);
}

/** Points on top of `points` for a multiplier above 1, rounded once; nothing for 1 or less. */
function extra(points: number, multiplier: number, rounding: Rounding): number {
	const over = hundredths(multiplier) - 100n;
	return over > 0n ? divide(BigInt(points) * over, 100n, rounding) : 0;
}

function categoryMultiplier(rules: RuleSet, category: string | undefined): number {
	if (!category || !rules.categories || !Object.hasOwn(rules.categories, category)) return 1;
	return rules.categories[category];
}

function inCampaign(
	campaign: RuleSet['campaigns'][number],
	local: LocalTime,
	amount: number
): boolean {
	if (campaign.from && local.isoDate < campaign.from) return false;
	if (campaign.to && local.isoDate > campaign.to) return false;
	if (campaign.weekdays && !campaign.weekdays.includes(local.weekday)) return false;
	if (campaign.min_amount !== undefined && amount < campaign.min_amount) return false;
	if (campaign.hours) {
		const from = minutesOf(campaign.hours.from);
		const to = minutesOf(campaign.hours.to);
		const inside =
			from < to
				? local.minutes >= from && local.minutes < to
				: local.minutes >= from || local.minutes < to;
		if (!inside) return false;
	}
	return true;
}

function birthdayLine(input: EvaluationInput, calendar: CalendarKind): AccrualLine | null {
	const rule = input.rules.birthday;
	const { birthday, birthdayBonusAt } = input.member;
	const { timezone } = input.club;
	if (!rule || !birthday || rule.points === 0) return null;
	if (!inBirthdayWindow(input.purchase.at, birthday, rule.window, timezone, calendar)) return null;
	if (birthdayBonusAt) {
		const last = new Date(birthdayBonusAt);
		const daysAgo = dayNumber(input.purchase.at, timezone) - dayNumber(last, timezone);
		// Windows last at most a month and birthdays are a year apart: a bonus in this window counts.
		if (daysAgo < 40 && inBirthdayWindow(last, birthday, rule.window, timezone, calendar))
			return null;
	}
	return {
		points: rule.points,
		reason_key: 'rule.birthday',
		reason_params: { window: rule.window, calendar }
	};
}

/** Cuts the lines to `allowed` points, the last-added bonuses first, and says so in a rule.cap line. */
function applyCap(
	lines: AccrualLine[],
	allowed: number,
	cap: 'per_purchase' | 'per_day',
	limit: number
): AccrualLine[] {
	const uncapped = lines.reduce((sum, line) => sum + line.points, 0);
	let excess = uncapped - allowed;
	const kept: AccrualLine[] = [];
	for (const line of [...lines].reverse()) {
		const cut = Math.min(excess, line.points);
		excess -= cut;
		if (cut === 0) kept.unshift(line);
		else if (cut < line.points)
			kept.unshift({
				...line,
				points: line.points - cut,
				reason_params: { ...line.reason_params, capped_from: line.points }
			});
	}
	kept.push({
		points: 0,
		reason_key: 'rule.cap',
		reason_params: { cap, limit, uncapped, total: allowed }
	});
	return kept;
}

/** Evaluates one purchase against the rule version in force when it happened. */
export function evaluate(input: EvaluationInput): Evaluation {
	const { purchase, member, club, rules, version } = input;
	const rounding = rules.base.rounding;
	const calendar: CalendarKind = club.locale === 'fa' ? 'jalali' : 'gregorian';
	const lines: AccrualLine[] = [];
	const referrer: AccrualLine[] = [];
	const gifts: Gift[] = [];

	const purchaseLines = purchase.lines?.length ? purchase.lines : null;
	if (purchaseLines) {
		purchaseLines.forEach((line, index) => {
			const multiplier = categoryMultiplier(rules, line.category);
			const points = spendPoints(line.amount, rules, multiplier);
			lines.push(
				multiplier === 1
					? { points, reason_key: 'rule.base', reason_params: { amount: line.amount }, line: index }
					: {
							points,
							reason_key: 'rule.category',
							reason_params: { amount: line.amount, category: line.category, multiplier },
							line: index
						}
			);
		});
	} else {
		lines.push({
			points: spendPoints(purchase.amount, rules),
			reason_key: 'rule.base',
			reason_params: { amount: purchase.amount }
		});
	}
	const spend = lines.reduce((sum, line) => sum + line.points, 0);

	if (rules.tier_multiplier) {
		const points = extra(spend, member.tierMultiplier, rounding);
		if (points > 0)
			lines.push({
				points,
				reason_key: 'rule.tier',
				reason_params: { rank: member.tierRank, multiplier: member.tierMultiplier }
			});
	}

	if (rules.first_purchase && member.firstPurchase && rules.first_purchase.points > 0)
		lines.push({
			points: rules.first_purchase.points,
			reason_key: 'rule.first_purchase',
			reason_params: {}
		});

	const visit = member.visitCount + 1;
	if (rules.punch_card && visit % rules.punch_card.every === 0)
		gifts.push({
			reward_id: rules.punch_card.reward_id,
			reason_key: 'rule.punch_card',
			reason_params: { visit, every: rules.punch_card.every }
		});

	const birthday = birthdayLine(input, calendar);
	if (birthday) lines.push(birthday);

	if (rules.referral && member.firstPurchase && member.referredBy) {
		if (rules.referral.referee_points > 0)
			lines.push({
				points: rules.referral.referee_points,
				reason_key: 'rule.referral',
				reason_params: { role: 'referee' }
			});
		if (rules.referral.referrer_points > 0)
			referrer.push({
				points: rules.referral.referrer_points,
				reason_key: 'rule.referral',
				reason_params: { role: 'referrer' }
			});
	}

	const local = localTime(purchase.at, club.timezone);
	for (const campaign of rules.campaigns) {
		if (!inCampaign(campaign, local, purchase.amount)) continue;
		const points =
			(campaign.multiplier ? extra(spend, campaign.multiplier, rounding) : 0) +
			(campaign.bonus ?? 0);
		if (points > 0)
			lines.push({
				points,
				reason_key: 'rule.campaign',
				reason_params: {
					campaign: campaign.id,
					...(campaign.name ? { name: campaign.name } : {}),
					...(campaign.multiplier ? { multiplier: campaign.multiplier } : {}),
					...(campaign.bonus ? { bonus: campaign.bonus } : {})
				}
			});
	}

	const uncapped = lines.reduce((sum, line) => sum + line.points, 0);
	const perPurchase = rules.caps?.per_purchase ?? Infinity;
	const perDay = rules.caps?.per_day;
	const leftToday =
		perDay === undefined ? Infinity : Math.max(0, perDay - Math.max(0, member.pointsEarnedToday));
	const allowed = Math.min(uncapped, perPurchase, leftToday);
	const capped = allowed < uncapped;
	const byDay = perDay !== undefined && leftToday <= perPurchase;
	const final = capped
		? applyCap(lines, allowed, byDay ? 'per_day' : 'per_purchase', byDay ? perDay : perPurchase)
		: lines;
	const versioned = (line: AccrualLine): AccrualLine => ({
		...line,
		reason_params: { ...line.reason_params, version }
	});
	return {
		lines: final.map(versioned),
		referrer: referrer.map(versioned),
		gifts,
		total: allowed,
		capped
	};
}

export type LinesCheck = { ok: true } | { ok: false; code: 'VAFA_LINES_MISMATCH'; message: string };

/** Purchase lines must be whole, non-negative amounts that add up to the purchase amount. */
export function validateLines(amount: number, lines: PurchaseLine[] | undefined): LinesCheck {
	if (!lines || lines.length === 0) return { ok: true };
	const bad = lines.findIndex((line) => !Number.isSafeInteger(line.amount) || line.amount < 0);
	if (bad !== -1)
		return {
			ok: false,
			code: 'VAFA_LINES_MISMATCH',
			message: `Line ${bad + 1} needs a whole, non-negative amount in minor units.`
		};
	const sum = lines.reduce((total, line) => total + line.amount, 0);
	if (sum !== amount)
		return {
			ok: false,
			code: 'VAFA_LINES_MISMATCH',
			message: `The lines add up to ${sum}, but the purchase amount is ${amount}.`
		};
	return { ok: true };
}
