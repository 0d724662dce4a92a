import { deepStrictEqual } from 'node:assert/strict';
import { toCards } from './cards.ts';

const club = { id: 'c1', slug: 'cafe-vafa', name: 'کافه وفا', currency: 'IRR', locale: 'fa' };

Deno.test('cards come oldest membership first, with the club attached', () => {
	const cards = toCards([
		{
			id: 'm2',
			member_number: 7,
			display_name: null,
			joined_at: '2026-02-01T00:00:00Z',
			program: club
		},
		{
			id: 'm1',
			member_number: 1001,
			display_name: 'سارا',
			joined_at: '2025-01-01T00:00:00Z',
			program: club
		}
	]);
	deepStrictEqual(
		cards.map((card) => [card.memberId, card.memberNumber, card.club.slug]),
		[
			['m1', 1001, 'cafe-vafa'],
			['m2', 7, 'cafe-vafa']
		]
	);
});

Deno.test(
	'a membership whose club the reader cannot see is left out rather than shown half empty',
	() => {
		deepStrictEqual(
			toCards([
				{
					id: 'm1',
					member_number: 1,
					display_name: null,
					joined_at: '2025-01-01T00:00:00Z',
					program: null
				}
			]),
			[]
		);
	}
);
