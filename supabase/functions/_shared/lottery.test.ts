import { deepStrictEqual, equal } from 'node:assert/strict';
import { formatList, parseList, pickWinners, sha256Hex, verifyDraw } from './lottery.ts';

const SEED = 'a'.repeat(64);
const LIST =
	'1:00000000000000aa:3\n2:00000000000000bb:5\n3:00000000000000aa:2\n4:00000000000000cc:10';

Deno.test('the seed is committed to by the SHA-256 of its hex text', async () => {
	equal(await sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

Deno.test('a known list and seed draw the winners the SQL draw gives', async () => {
	// Pinned from private.lottery_pick on the same seed and list.
	const entries = parseList(LIST)!;
	deepStrictEqual(await pickWinners(SEED, entries, 2), [
		{ rank: 1, holder: '00000000000000cc', ticket: 16 },
		{ rank: 2, holder: '00000000000000aa', ticket: 0 }
	]);
	equal(formatList(entries), LIST);
});

Deno.test('a holder wins once, and a draw stops when every holder has won', async () => {
	const winners = await pickWinners(SEED, parseList(LIST)!, 10);
	deepStrictEqual(winners.map((w) => w.holder).sort(), [
		'00000000000000aa',
		'00000000000000bb',
		'00000000000000cc'
	]);
	deepStrictEqual(await pickWinners(SEED, [], 3), []);
});

Deno.test('malformed or reordered lists are refused', () => {
	equal(parseList('2:00000000000000aa:3'), null);
	equal(parseList('1:00000000000000AA:3'), null);
	equal(parseList('1:00000000000000aa:-3'), null);
	deepStrictEqual(parseList(''), []);
});

Deno.test('verification fails for a tampered seed, list or winner', async () => {
	const proof = {
		seed: SEED,
		seed_hash: await sha256Hex(SEED),
		entries_hash: await sha256Hex(LIST),
		list: LIST,
		winners_count: 2,
		winners: [
			{ rank: 1, holder: '00000000000000cc', ticket: 16 },
			{ rank: 2, holder: '00000000000000aa', ticket: 0 }
		]
	};
	deepStrictEqual((await verifyDraw(proof)).ok, true);
	equal((await verifyDraw({ ...proof, seed: 'b'.repeat(64) })).ok, false);
	const other = 'b'.repeat(64);
	const forged = await verifyDraw({ ...proof, seed: other, seed_hash: await sha256Hex(other) });
	equal(forged.ok, false);
	equal((await verifyDraw({ ...proof, list: LIST.replace(':10', ':11') })).ok, false);
	const swapped = [proof.winners[1], proof.winners[0]].map((w, i) => ({ ...w, rank: i + 1 }));
	deepStrictEqual(await verifyDraw({ ...proof, winners: swapped }), {
		ok: false,
		reason: 'winners',
		winners: proof.winners
	});
});
