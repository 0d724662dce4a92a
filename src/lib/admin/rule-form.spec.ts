import { describe, expect, it } from 'vitest';
import { evaluate } from '$shared/rules/engine';
import { check, formOf, moneyUnit, newCampaign, rulesOf } from './rule-form';

const SEEDED = {
	base: { points: 1, per: 100000, rounding: 'floor' },
	categories: { beans: 2 },
	tier_multiplier: true,
	first_purchase: { points: 50 },
	birthday: { points: 100, window: 'month' },
	referral: { referee_points: 30, referrer_points: 30 },
	campaigns: [
		{ id: 'nowruz-1406', name: 'نوروز ۱۴۰۶', from: '2027-03-21', to: '2027-04-02', multiplier: 2 }
	],
	caps: { per_purchase: 1000, per_day: 2000 }
};

describe('the earning-rules form', () => {
	it('round-trips a stored rule set, with money typed in Toman', () => {
		const unit = moneyUnit('IRR');
		const form = formOf(SEEDED, unit);
		expect(form.per).toBe('10000');
		expect(rulesOf(form, unit).json).toEqual(SEEDED);
	});

	it('refuses what the engine’s schema refuses, by the path of each field', () => {
		const form = formOf(SEEDED, 10);
		form.per = '0';
		form.categories[0].multiplier = '1.255';
		form.campaigns[0].to = '2027-03-01';
		const checked = check(form, 10);
		expect(checked.ok).toBe(false);
		if (checked.ok) return;
		expect(checked.errors['base.per']).toMatchObject({ kind: 'schema', code: 'too_small' });
		expect(checked.errors['categories.beans']).toEqual({ kind: 'field', problem: 'decimal' });
		expect(checked.errors['campaigns.0.to']).toMatchObject({ kind: 'schema' });
	});

	it('needs a multiplier or a bonus on every campaign', () => {
		const form = formOf(SEEDED, 10);
		const campaign = newCampaign();
		campaign.multiplier = '';
		form.campaigns.push(campaign);
		const checked = check(form, 10);
		expect(checked.ok ? {} : checked.errors['campaigns.1']).toMatchObject({ kind: 'schema' });
	});

	it('feeds the engine: 500,000 Toman by a Silver member during Nowruz', () => {
		const checked = check(formOf(SEEDED, 10), 10);
		if (!checked.ok) throw new Error('seeded rules are valid');
		const evaluation = evaluate({
			purchase: { amount: 5_000_000, at: new Date('2027-03-22T08:30:00Z') },
			member: {
				tierRank: 1,
				tierMultiplier: 1.25,
				visitCount: 3,
				firstPurchase: false,
				pointsEarnedToday: 0
			},
			club: { timezone: 'Asia/Tehran', locale: 'fa' },
			rules: checked.rules,
			version: 2
		});
		// 50 base, 12 more for Silver (×1.25, rounded down), 50 more for Nowruz (×2).
		expect(evaluation.total).toBe(112);
	});
});
