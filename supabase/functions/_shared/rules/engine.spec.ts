/** The rules engine imports under vitest too (the full tables run under `deno test`). */
import { describe, expect, it } from 'vitest';
import { evaluate } from './engine.ts';
import { input, rules } from './fixtures.ts';
import { parseRuleSet } from './schema.ts';
import { versionAt } from './versions.ts';

describe('the rules engine under vitest', () => {
	it.each([
		['floor', 250_000, 2],
		['round', 250_000, 3],
		['ceil', 200_001, 3]
	] as const)('rounds base points with %s', (rounding, amount, points) => {
		const evaluation = evaluate(
			input({ amount, rules: rules({ base: { points: 1, per: 100_000, rounding } }) })
		);
		expect(evaluation.total).toBe(points);
	});

	it('counts Nowruz from local midnight in Tehran, while UTC is still on the day before', () => {
		const evaluation = evaluate(
			input({
				at: '2027-03-20T23:30:00Z',
				rules: rules({
					campaigns: [{ id: 'nowruz', from: '2027-03-21', to: '2027-04-02', multiplier: 2 }]
				})
			})
		);
		expect(evaluation.lines.map((line) => [line.reason_key, line.points])).toEqual([
			['rule.base', 10],
			['rule.campaign', 10]
		]);
	});

	it('refuses an invalid rule set with the path of each problem', () => {
		const parsed = parseRuleSet({ base: { points: 1, per: 0 } });
		expect(parsed).toMatchObject({
			ok: false,
			code: 'VAFA_RULES_INVALID',
			issues: [{ path: 'base.per' }]
		});
	});

	it('picks the version in force at the purchase time', () => {
		const versions = [
			{ version: 1, effective_from: '2026-01-01T00:00:00Z' },
			{ version: 2, effective_from: '2027-01-01T00:00:00Z' }
		];
		expect(versionAt(versions, new Date('2026-12-31T23:59:59Z'))?.version).toBe(1);
	});
});
