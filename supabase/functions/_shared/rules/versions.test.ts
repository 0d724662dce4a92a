import { strictEqual } from 'node:assert/strict';
import { evaluate } from './engine.ts';
import { input, rules } from './fixtures.ts';
import { versionAt } from './versions.ts';

const versions = [
	{
		version: 2,
		effective_from: '2027-03-20T20:30:00Z',
		rules: rules({ campaigns: [{ id: 'all', multiplier: 2 }] })
	},
	{ version: 1, effective_from: new Date('2026-01-01T00:00:00Z'), rules: rules() },
	{
		version: 3,
		effective_from: '2027-06-01T00:00:00+03:30',
		rules: rules({ base: { points: 5, per: 100_000 } })
	}
];

const table: [string, string, number | undefined][] = [
	['a purchase before any version has none', '2025-12-31T23:59:59Z', undefined],
	['a purchase on the first version’s start uses it', '2026-01-01T00:00:00Z', 1],
	['a purchase a second before v2 takes effect still uses v1', '2027-03-20T20:29:59Z', 1],
	['a purchase when v2 takes effect uses v2', '2027-03-20T20:30:00Z', 2],
	['an offset timestamp is compared as an instant', '2027-05-31T20:29:59Z', 2],
	['the latest version in force wins', '2027-05-31T20:30:00Z', 3]
];
for (const [name, at, expected] of table) {
	Deno.test(`versionAt: ${name}`, () => {
		strictEqual(versionAt(versions, new Date(at))?.version, expected);
	});
}

Deno.test('versionAt: of two versions dated the same instant, the higher number wins', () => {
	const same = [
		{ version: 4, effective_from: '2027-01-01T00:00:00Z' },
		{ version: 5, effective_from: '2027-01-01T00:00:00Z' }
	];
	strictEqual(versionAt(same, new Date('2027-02-01T00:00:00Z'))?.version, 5);
	strictEqual(versionAt([...same].reverse(), new Date('2027-02-01T00:00:00Z'))?.version, 5);
});

Deno.test('a version published later never changes an earlier purchase', () => {
	const at = new Date('2027-03-01T10:00:00Z');
	const inForce = versionAt(versions, at);
	strictEqual(inForce?.version, 1);
	const evaluation = evaluate(
		input({ at: at.toISOString(), rules: inForce.rules, version: inForce.version })
	);
	strictEqual(evaluation.total, 10);
	strictEqual(evaluation.lines[0].reason_params.version, 1);
	const later = versionAt(versions, new Date('2027-03-21T10:00:00Z'));
	strictEqual(evaluate(input({ rules: later?.rules, version: later?.version })).total, 20);
});
