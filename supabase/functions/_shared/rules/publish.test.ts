import { deepStrictEqual, ok, strictEqual } from 'node:assert/strict';
import { parsePublishRequest } from './publish.ts';

const now = new Date('2027-03-01T10:00:00Z');
const program = '0b7e4b8a-3c1d-4e2f-8a9b-1c2d3e4f5a6b';
const rules = { base: { points: 1, per: 100_000 } };

const refused: [string, unknown, string][] = [
	['a body that is not an object', 'rules', 'VAFA_BAD_REQUEST'],
	['a missing program', { rules }, 'VAFA_BAD_REQUEST'],
	['a program that is not a uuid', { program: 'cafe-vafa', rules }, 'VAFA_BAD_REQUEST'],
	[
		'a date that is not a timestamp',
		{ program, rules, effective_from: 'next week' },
		'VAFA_BAD_REQUEST'
	],
	[
		'a start in the past',
		{ program, rules, effective_from: '2027-03-01T09:59:00Z' },
		'VAFA_RULES_RETROACTIVE'
	],
	['invalid rules', { program, rules: { base: { points: 1 } } }, 'VAFA_RULES_INVALID']
];
for (const [name, body, code] of refused) {
	Deno.test(`publishing refuses ${name} with ${code}`, () => {
		const parsed = parsePublishRequest(body, now);
		ok(!parsed.ok);
		strictEqual(parsed.error.status, 400);
		strictEqual(parsed.error.code, code);
	});
}

Deno.test('publishing without a date takes effect now, with the defaults filled in', () => {
	const parsed = parsePublishRequest({ program, rules }, now);
	ok(parsed.ok);
	strictEqual(parsed.effectiveFrom.getTime(), now.getTime());
	deepStrictEqual(parsed.rules.base, { points: 1, per: 100_000, rounding: 'floor' });
});

Deno.test('publishing accepts a start a moment ago (clock skew) or in the future', () => {
	for (const effective_from of ['2027-03-01T09:59:57Z', '2027-03-21T00:00:00+03:30']) {
		const parsed = parsePublishRequest({ program, rules, effective_from }, now);
		ok(parsed.ok, effective_from);
	}
});

Deno.test('invalid rules come back with every issue', () => {
	const parsed = parsePublishRequest(
		{ program, rules: { base: { points: -1, per: 0 }, campaigns: [{ id: 'x' }] } },
		now
	);
	ok(!parsed.ok);
	deepStrictEqual(parsed.error.issues?.map((issue) => issue.path).sort(), [
		'base.per',
		'base.points',
		'campaigns.0'
	]);
});
