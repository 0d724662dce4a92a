import { afterEach, describe, expect, it } from 'vitest';
import { overwriteGetLocale, type Locale } from '$lib/paraglide/runtime';
import { reasonText } from './reasons';

function inLocale(locale: Locale) {
	overwriteGetLocale(() => locale);
}

const reason = (reasonKey: string, reasonParams: Record<string, unknown> = {}) => ({
	reasonKey,
	reasonParams
});

describe('reasonText', () => {
	afterEach(() => inLocale('fa'));

	it('explains every reason the ledger writes in words, never as a key', () => {
		inLocale('en');
		const keys = [
			'rule.base',
			'rule.category',
			'rule.tier',
			'rule.first_purchase',
			'rule.punch_card',
			'rule.birthday',
			'rule.referral',
			'rule.campaign',
			'rule.cap',
			'reward.redeemed',
			'points.paid',
			'wallet.topup',
			'wallet.spend',
			'purchase.refunded',
			'purchase.refunded.points',
			'purchase.refunded.wallet',
			'points.expired',
			'manual.adjustment'
		];
		const texts = keys.map((key) => reasonText(reason(key), 'en'));
		for (const text of texts) expect(text).not.toMatch(/\.|Balance change/);
		expect(new Set(texts).size).toBe(keys.length);
	});

	it('names the multiplier, the visit and the reward from the parameters', () => {
		inLocale('en');
		expect(reasonText(reason('rule.tier', { rank: 1, multiplier: 1.25 }), 'en')).toBe(
			"Your tier's bonus (×1.25)"
		);
		expect(reasonText(reason('rule.punch_card', { visit: 5, every: 5 }), 'en')).toBe(
			'Gift for visit 5'
		);
		expect(reasonText(reason('reward.redeemed', { reward: 'Espresso' }), 'en')).toBe(
			'Redeemed: Espresso'
		);
		expect(reasonText(reason('rule.referral', { role: 'referrer' }), 'en')).toBe(
			'Gift for referring a friend'
		);
	});

	it('writes Persian digits in fa', () => {
		inLocale('fa');
		expect(reasonText(reason('rule.tier', { multiplier: 1.5 }), 'fa')).toBe(
			'امتیاز بیشتر سطح شما (×۱٫۵)'
		);
	});

	it('falls back to a neutral sentence for a reason this version does not know', () => {
		inLocale('en');
		expect(reasonText(reason('rule.future_thing'), 'en')).toBe('Balance change');
	});
});
