import { deepStrictEqual, ok, strictEqual } from 'node:assert/strict';
import { evaluate, validateLines, type Evaluation } from './engine.ts';
import { input, REWARD, rules, type InputOptions } from './fixtures.ts';

/** Every evaluation keeps the ledger's promises: whole, non-negative points that add up. */
function checked(evaluation: Evaluation): Evaluation {
	for (const line of [...evaluation.lines, ...evaluation.referrer]) {
		ok(Number.isSafeInteger(line.points) && line.points >= 0, `bad points ${line.points}`);
		ok(/^[a-z][a-z0-9_.]{1,80}$/.test(line.reason_key), line.reason_key);
	}
	strictEqual(
		evaluation.lines.reduce((sum, line) => sum + line.points, 0),
		evaluation.total
	);
	return evaluation;
}

function run(options: InputOptions) {
	return checked(evaluate(input(options)));
}

/** The lines as `[reason_key, points]` pairs, for compact expectations. */
function summary(evaluation: Evaluation): [string, number][] {
	return evaluation.lines.map((line) => [line.reason_key, line.points]);
}

const rounding: [string, 'floor' | 'round' | 'ceil', number, number][] = [
	['a whole multiple earns exactly', 'floor', 300_000, 3],
	['floor drops the fraction', 'floor', 250_000, 2],
	['round takes a half up', 'round', 250_000, 3],
	['round takes less than a half down', 'round', 249_999, 2],
	['ceil takes any fraction up', 'ceil', 200_001, 3],
	['floor gives nothing below one unit', 'floor', 99_999, 0],
	['ceil gives one point for any spend', 'ceil', 1, 1]
];
for (const [name, mode, amount, points] of rounding) {
	Deno.test(`base points: ${name} (${mode}, ${amount})`, () => {
		const evaluation = run({
			amount,
			rules: rules({ base: { points: 1, per: 100_000, rounding: mode } })
		});
		deepStrictEqual(summary(evaluation), [['rule.base', points]]);
	});
}

Deno.test('base points stay exact beyond 2^53 intermediate products', () => {
	const evaluation = run({
		amount: 999_999_999_999_999,
		rules: rules({ base: { points: 7, per: 1_000_000 } })
	});
	strictEqual(evaluation.total, 6_999_999_999);
});

Deno.test('each purchase line is rounded once, with its own multiplier', () => {
	const evaluation = run({
		amount: 800_000,
		lines: [
			{ amount: 250_000, category: 'coffee' },
			{ amount: 150_000 },
			{ amount: 300_000, category: 'tobacco' },
			{ amount: 100_000, category: 'unknown' }
		],
		rules: rules({ categories: { coffee: 1.5, tobacco: 0 } })
	});
	deepStrictEqual(
		evaluation.lines.map((line) => [line.reason_key, line.points, line.line]),
		[
			['rule.category', 3, 0],
			['rule.base', 1, 1],
			['rule.category', 0, 2],
			['rule.base', 1, 3]
		]
	);
	deepStrictEqual(evaluation.lines[0].reason_params, {
		amount: 250_000,
		category: 'coffee',
		multiplier: 1.5,
		version: 1
	});
});

Deno.test('a category named like an Object property is an ordinary unknown category', () => {
	const evaluation = run({
		amount: 200_000,
		lines: [{ amount: 200_000, category: 'constructor' }],
		rules: rules({ categories: { coffee: 2 } })
	});
	deepStrictEqual(summary(evaluation), [['rule.base', 2]]);
});

const single: [string, InputOptions, [string, number][], number][] = [
	[
		'the tier multiplier adds its share of the spend points as its own line',
		{ member: { tierRank: 2, tierMultiplier: 1.5 } },
		[
			['rule.base', 10],
			['rule.tier', 5]
		],
		15
	],
	[
		'the tier share is rounded as the base says',
		{
			member: { tierRank: 1, tierMultiplier: 1.25 },
			rules: rules({ base: { points: 1, per: 100_000, rounding: 'round' } }),
			amount: 1_000_000
		},
		[
			['rule.base', 10],
			['rule.tier', 3]
		],
		13
	],
	[
		'a tier multiplier of 1 adds no line',
		{ member: { tierRank: 0, tierMultiplier: 1 } },
		[['rule.base', 10]],
		10
	],
	[
		'a rule set can switch the tier multiplier off',
		{ member: { tierMultiplier: 2 }, rules: rules({ tier_multiplier: false }) },
		[['rule.base', 10]],
		10
	],
	[
		'a first purchase earns the first-purchase bonus',
		{ member: { firstPurchase: true }, rules: rules({ first_purchase: { points: 50 } }) },
		[
			['rule.base', 10],
			['rule.first_purchase', 50]
		],
		60
	],
	[
		'a later purchase does not earn the first-purchase bonus',
		{ member: { firstPurchase: false }, rules: rules({ first_purchase: { points: 50 } }) },
		[['rule.base', 10]],
		10
	],
	[
		'a referred member earns the referee bonus on the first purchase',
		{
			member: { firstPurchase: true, referredBy: 'm-ref' },
			rules: rules({ referral: { referee_points: 30, referrer_points: 40 } })
		},
		[
			['rule.base', 10],
			['rule.referral', 30]
		],
		40
	],
	[
		'a referred member earns no referral bonus on a later purchase',
		{
			member: { firstPurchase: false, referredBy: 'm-ref' },
			rules: rules({ referral: { referee_points: 30, referrer_points: 40 } })
		},
		[['rule.base', 10]],
		10
	],
	[
		'a member nobody referred earns no referral bonus',
		{
			member: { firstPurchase: true, referredBy: null },
			rules: rules({ referral: { referee_points: 30, referrer_points: 40 } })
		},
		[['rule.base', 10]],
		10
	]
];
for (const [name, options, expected, total] of single) {
	Deno.test(name, () => {
		const evaluation = run(options);
		deepStrictEqual(summary(evaluation), expected);
		strictEqual(evaluation.total, total);
		strictEqual(evaluation.capped, false);
	});
}

Deno.test('the referrer is credited separately on the referee’s first purchase', () => {
	const referral = rules({ referral: { referee_points: 30, referrer_points: 40 } });
	const first = run({ member: { firstPurchase: true, referredBy: 'm-ref' }, rules: referral });
	deepStrictEqual(first.referrer, [
		{ points: 40, reason_key: 'rule.referral', reason_params: { role: 'referrer', version: 1 } }
	]);
	const later = run({ member: { firstPurchase: false, referredBy: 'm-ref' }, rules: referral });
	deepStrictEqual(later.referrer, []);
});

const punch: [number, boolean][] = [
	[3, false],
	[4, true],
	[5, false],
	[9, true],
	[0, false]
];
for (const [visitsBefore, gift] of punch) {
	Deno.test(
		`the punch card ${gift ? 'gives' : 'does not give'} the reward on visit ${visitsBefore + 1} of every 5`,
		() => {
			const evaluation = run({
				member: { visitCount: visitsBefore },
				rules: rules({ punch_card: { every: 5, reward_id: REWARD } })
			});
			deepStrictEqual(
				evaluation.gifts,
				gift
					? [
							{
								reward_id: REWARD,
								reason_key: 'rule.punch_card',
								reason_params: { visit: visitsBefore + 1, every: 5 }
							}
						]
					: []
			);
			strictEqual(evaluation.total, 10);
		}
	);
}

const caps: [string, InputOptions, [string, number][], number, Record<string, unknown> | null][] = [
	[
		'a purchase under the per-purchase cap is not touched',
		{ rules: rules({ caps: { per_purchase: 100 } }) },
		[['rule.base', 10]],
		10,
		null
	],
	[
		'the per-purchase cap cuts the last bonus first and explains itself',
		{
			member: { firstPurchase: true },
			rules: rules({ first_purchase: { points: 50 }, caps: { per_purchase: 25 } })
		},
		[
			['rule.base', 10],
			['rule.first_purchase', 15],
			['rule.cap', 0]
		],
		25,
		{ cap: 'per_purchase', limit: 25, uncapped: 60, total: 25 }
	],
	[
		'a cap below the base drops the bonuses and reduces the base',
		{
			member: { firstPurchase: true },
			rules: rules({ first_purchase: { points: 50 }, caps: { per_purchase: 4 } })
		},
		[
			['rule.base', 4],
			['rule.cap', 0]
		],
		4,
		{ cap: 'per_purchase', limit: 4, uncapped: 60, total: 4 }
	],
	[
		'the per-day cap counts the points earned earlier today',
		{ member: { pointsEarnedToday: 95 }, rules: rules({ caps: { per_day: 100 } }) },
		[
			['rule.base', 5],
			['rule.cap', 0]
		],
		5,
		{ cap: 'per_day', limit: 100, uncapped: 10, total: 5 }
	],
	[
		'a member at the per-day cap earns nothing more, without negative points',
		{ member: { pointsEarnedToday: 130 }, rules: rules({ caps: { per_day: 100 } }) },
		[['rule.cap', 0]],
		0,
		{ cap: 'per_day', limit: 100, uncapped: 10, total: 0 }
	],
	[
		'the tighter of the two caps wins',
		{
			amount: 10_000_000,
			member: { pointsEarnedToday: 70 },
			rules: rules({ caps: { per_purchase: 50, per_day: 100 } })
		},
		[
			['rule.base', 30],
			['rule.cap', 0]
		],
		30,
		{ cap: 'per_day', limit: 100, uncapped: 100, total: 30 }
	]
];
for (const [name, options, expected, total, cap] of caps) {
	Deno.test(name, () => {
		const evaluation = run(options);
		deepStrictEqual(summary(evaluation), expected);
		strictEqual(evaluation.total, total);
		strictEqual(evaluation.capped, cap !== null);
		const capLine = evaluation.lines.find((line) => line.reason_key === 'rule.cap');
		if (cap) deepStrictEqual(capLine?.reason_params, { ...cap, version: 1 });
		else strictEqual(capLine, undefined);
	});
}

Deno.test('a line the cap reduces remembers what it was', () => {
	const evaluation = run({
		member: { firstPurchase: true },
		rules: rules({ first_purchase: { points: 50 }, caps: { per_purchase: 25 } })
	});
	strictEqual(evaluation.lines[1].reason_params.capped_from, 50);
});

Deno.test('every rule together: a referred gold member’s first purchase on Nowruz', () => {
	const evaluation = run({
		amount: 1_500_000,
		at: '2027-03-22T08:00:00Z',
		lines: [
			{ amount: 1_000_000, category: 'coffee', sku: 'latte', quantity: 4 },
			{ amount: 500_000 }
		],
		member: {
			tierRank: 2,
			tierMultiplier: 1.5,
			visitCount: 9,
			firstPurchase: true,
			referredBy: 'm-ref',
			birthday: '1990-04-01'
		},
		rules: rules({
			categories: { coffee: 2 },
			first_purchase: { points: 50 },
			punch_card: { every: 10, reward_id: REWARD },
			birthday: { points: 100, window: 'month' },
			referral: { referee_points: 30, referrer_points: 40 },
			campaigns: [
				{ id: 'nowruz-1406', from: '2027-03-21', to: '2027-04-02', multiplier: 2, bonus: 5 },
				{ id: 'weekend', weekdays: ['fri'], bonus: 1000 }
			],
			caps: { per_purchase: 1000 }
		}),
		version: 7
	});
	deepStrictEqual(summary(evaluation), [
		['rule.category', 20],
		['rule.base', 5],
		['rule.tier', 12],
		['rule.first_purchase', 50],
		['rule.birthday', 100],
		['rule.referral', 30],
		['rule.campaign', 30]
	]);
	strictEqual(evaluation.total, 247);
	strictEqual(evaluation.capped, false);
	strictEqual(evaluation.gifts.length, 1);
	strictEqual(evaluation.referrer[0].points, 40);
	ok(evaluation.lines.every((line) => line.reason_params.version === 7));
	deepStrictEqual(evaluation.lines[6].reason_params, {
		campaign: 'nowruz-1406',
		multiplier: 2,
		bonus: 5,
		version: 7
	});
});

Deno.test('overlapping campaigns each add their own line', () => {
	const evaluation = run({
		rules: rules({
			campaigns: [
				{ id: 'double', multiplier: 2 },
				{ id: 'treat', name: 'Yalda', bonus: 7 }
			]
		})
	});
	deepStrictEqual(summary(evaluation), [
		['rule.base', 10],
		['rule.campaign', 10],
		['rule.campaign', 7]
	]);
	strictEqual(evaluation.lines[2].reason_params.name, 'Yalda');
});

Deno.test('a campaign with a minimum purchase skips smaller purchases', () => {
	const campaign = rules({ campaigns: [{ id: 'big', bonus: 20, min_amount: 2_000_000 }] });
	strictEqual(run({ amount: 1_999_999, rules: campaign }).total, 19);
	strictEqual(run({ amount: 2_000_000, rules: campaign }).total, 40);
});

const lineChecks: [string, number, { amount: number }[] | undefined, boolean][] = [
	['no lines are fine', 100, undefined, true],
	['lines that add up are fine', 100, [{ amount: 60 }, { amount: 40 }], true],
	['lines that fall short are refused', 100, [{ amount: 60 }], false],
	['lines that exceed are refused', 100, [{ amount: 60 }, { amount: 41 }], false],
	['fractional amounts are refused', 100, [{ amount: 99.5 }, { amount: 0.5 }], false],
	['negative amounts are refused', 100, [{ amount: 150 }, { amount: -50 }], false]
];
for (const [name, amount, lines, fine] of lineChecks) {
	Deno.test(`purchase lines: ${name}`, () => {
		const check = validateLines(amount, lines);
		strictEqual(check.ok, fine);
		if (!check.ok) strictEqual(check.code, 'VAFA_LINES_MISMATCH');
	});
}
