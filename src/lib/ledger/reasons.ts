import { m } from '$lib/paraglide/messages';
import type { Locale } from '$lib/paraglide/runtime';
import { formatNumber } from '$lib/i18n/format';
import type { HistoryEntry } from '$lib/offline/types';

type Params = Record<string, unknown>;

const text = (value: unknown) => (typeof value === 'string' ? value : '');
const num = (value: unknown, locale: Locale) =>
	typeof value === 'number' ? formatNumber(value, locale) : text(value);

/** Each reason key the ledger and the rules engine write, in words. */
const REASONS: Record<string, (params: Params, locale: Locale) => string> = {
	'rule.base': () => m.reason_rule_base(),
	'rule.category': (p, l) =>
		m.reason_rule_category({ category: text(p.category), multiplier: num(p.multiplier, l) }),
	'rule.tier': (p, l) => m.reason_rule_tier({ multiplier: num(p.multiplier, l) }),
	'rule.first_purchase': () => m.reason_rule_first_purchase(),
	'rule.punch_card': (p, l) => m.reason_rule_punch_card({ visit: num(p.visit, l) }),
	'rule.birthday': () => m.reason_rule_birthday(),
	'rule.referral': (p) =>
		p.role === 'referrer' ? m.reason_rule_referral_referrer() : m.reason_rule_referral_referee(),
	'rule.campaign': (p) =>
		p.name ? m.reason_rule_campaign({ name: text(p.name) }) : m.reason_rule_campaign_unnamed(),
	'rule.cap': () => m.reason_rule_cap(),
	'reward.redeemed': (p) => m.reason_reward_redeemed({ reward: text(p.reward) }),
	'points.paid': () => m.reason_points_paid(),
	'wallet.topup': () => m.reason_wallet_topup(),
	'wallet.spend': () => m.reason_wallet_spend(),
	'purchase.refunded': () => m.reason_purchase_refunded(),
	'purchase.refunded.points': () => m.reason_purchase_refunded_points(),
	'purchase.refunded.wallet': () => m.reason_purchase_refunded_wallet(),
	'points.expired': () => m.reason_points_expired(),
	'manual.adjustment': (p) => m.reason_manual_adjustment({ reason: text(p.reason) }),
	'import.opening_balance': () => m.insights_reason_import_opening()
};

/** Why an entry moved the balance, in the current locale ("explain my points"). */
export function reasonText(
	entry: Pick<HistoryEntry, 'reasonKey' | 'reasonParams'>,
	locale: Locale
) {
	const reason = REASONS[entry.reasonKey];
	return reason ? reason(entry.reasonParams ?? {}, locale) : m.reason_unknown();
}
