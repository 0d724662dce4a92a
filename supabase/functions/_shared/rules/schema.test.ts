import { deepStrictEqual, ok, strictEqual } from 'node:assert/strict';
import { parseRuleSet } from './schema.ts';
import { REWARD } from './fixtures.ts';

const base = { points: 1, per: 100_000 };

Deno.test('a minimal rule set gets floor rounding, the tier multiplier and no campaigns', () => {
	const parsed = parseRuleSet({ base });
	ok(parsed.ok);
	deepStrictEqual(parsed.rules, {
		base: { ...base, rounding: 'floor' },
		tier_multiplier: true,
		campaigns: []
	});
});

Deno.test('a rule set using every rule is accepted', () => {
	const parsed = parseRuleSet({
		base: { ...base, rounding: 'round' },
		categories: { coffee: 2, tobacco: 0, pastry: 1.25 },
		tier_multiplier: true,
		first_purchase: { points: 50 },
		punch_card: { every: 10, reward_id: REWARD },
		birthday: { points: 100, window: 'week' },
		referral: { referee_points: 30, referrer_points: 40 },
		campaigns: [
			{ id: 'nowruz-1406', name: 'نوروز', from: '2027-03-21', to: '2027-04-02', multiplier: 2 },
			{ id: 'friday', weekdays: ['fri'], hours: { from: '17:00', to: '19:00' }, bonus: 20 }
		],
		caps: { per_purchase: 500, per_day: 1000 }
	});
	ok(parsed.ok, parsed.ok ? '' : parsed.message);
});

const invalid: [string, unknown, string][] = [
	['a missing body', null, ''],
	['an array', [], ''],
	['a rule set without base points', {}, 'base'],
	['a zero spend unit', { base: { points: 1, per: 0 } }, 'base.per'],
	['fractional points', { base: { points: 1.5, per: 100 } }, 'base.points'],
	['negative points', { base: { points: -1, per: 100 } }, 'base.points'],
	['an unknown rounding mode', { base: { ...base, rounding: 'bankers' } }, 'base.rounding'],
	['a misspelt rule', { base, frist_purchase: { points: 5 } }, ''],
	[
		'a multiplier with three decimals',
		{ base, categories: { coffee: 1.255 } },
		'categories.coffee'
	],
	['a negative category multiplier', { base, categories: { coffee: -1 } }, 'categories.coffee'],
	[
		'a punch card every single visit',
		{ base, punch_card: { every: 1, reward_id: REWARD } },
		'punch_card.every'
	],
	[
		'a punch card reward that is not a uuid',
		{ base, punch_card: { every: 5, reward_id: 'free coffee' } },
		'punch_card.reward_id'
	],
	[
		'an unknown birthday window',
		{ base, birthday: { points: 5, window: 'year' } },
		'birthday.window'
	],
	['a campaign that gives nothing', { base, campaigns: [{ id: 'empty' }] }, 'campaigns.0'],
	[
		'a campaign on a day that does not exist',
		{ base, campaigns: [{ id: 'x', from: '2027-02-30', bonus: 1 }] },
		'campaigns.0.from'
	],
	[
		'a campaign that ends before it starts',
		{ base, campaigns: [{ id: 'x', from: '2027-04-02', to: '2027-03-21', bonus: 1 }] },
		'campaigns.0.to'
	],
	[
		'a campaign hour of 24:00',
		{ base, campaigns: [{ id: 'x', hours: { from: '17:00', to: '24:00' }, bonus: 1 }] },
		'campaigns.0.hours.to'
	],
	[
		'a campaign weekday spelt out',
		{ base, campaigns: [{ id: 'x', weekdays: ['friday'], bonus: 1 }] },
		'campaigns.0.weekdays.0'
	],
	[
		'a campaign multiplier below 1',
		{ base, campaigns: [{ id: 'x', multiplier: 0.5 }] },
		'campaigns.0.multiplier'
	],
	[
		'two campaigns with one id',
		{
			base,
			campaigns: [
				{ id: 'x', bonus: 1 },
				{ id: 'x', bonus: 2 }
			]
		},
		'campaigns'
	],
	['a negative cap', { base, caps: { per_day: -5 } }, 'caps.per_day']
];
for (const [name, json, path] of invalid) {
	Deno.test(`the schema refuses ${name}, naming where`, () => {
		const parsed = parseRuleSet(json);
		ok(!parsed.ok);
		strictEqual(parsed.code, 'VAFA_RULES_INVALID');
		ok(parsed.message.length > 0);
		ok(
			parsed.issues.some((issue) => issue.path === path),
			`${JSON.stringify(parsed.issues)} has no issue at "${path}"`
		);
	});
}
