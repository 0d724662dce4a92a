/**
 * The lottery's winners as a pure function of the revealed seed and the frozen entry list, the
 * same algorithm as `private.lottery_pick` in SQL, so anyone (Deno, Node, a browser) can check a
 * draw. Uses only Web Crypto, no Deno or Node globals.
 *
 * - The list is one line `<ordinal>:<holder>:<tickets>` per entry, in order, joined by "\n".
 * - E is the hex SHA-256 of the list's UTF-8; the seed is committed to by the hex SHA-256 of its
 *   hex text (`echo -n <seed> | sha256sum`).
 * - For k = 0, 1, 2, …: h = SHA-256("<seed>:<E>:<k>"); r = h's first 6 bytes, big-endian. With N the
 *   tickets of holders not yet drawn, r >= floor(2^48 / N) * N is skipped (no modulo bias);
 *   otherwise ticket r mod N, counted through the remaining entries in order, names a winner, and all
 *   of that holder's entries leave the list. It stops after `count` winners or when none remain.
 */

export interface LotteryEntry {
	ordinal: number;
	holder: string;
	tickets: number;
}

export interface LotteryWinner {
	rank: number;
	holder: string;
	ticket: number;
}

export interface LotteryProof {
	seed: string;
	seed_hash: string;
	entries_hash: string;
	list: string;
	winners_count: number;
	winners: LotteryWinner[];
}

export type Verification =
	| { ok: true; winners: LotteryWinner[] }
	| {
			ok: false;
			reason: 'seed_hash' | 'entries_hash' | 'list' | 'winners';
			winners?: LotteryWinner[];
	  };

const RANGE = 2 ** 48;
const LINE = /^(\d+):([0-9a-f]{16}):(\d+)$/;

/** Hex SHA-256 of a string's UTF-8 bytes. */
export async function sha256Hex(text: string): Promise<string> {
	const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
	return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Parses the canonical list; null when a line is malformed or ordinals are not 1, 2, 3, … */
export function parseList(list: string): LotteryEntry[] | null {
	if (list === '') return [];
	const entries: LotteryEntry[] = [];
	for (const [index, line] of list.split('\n').entries()) {
		const match = LINE.exec(line);
		if (!match || Number(match[1]) !== index + 1) return null;
		entries.push({ ordinal: Number(match[1]), holder: match[2], tickets: Number(match[3]) });
	}
	return entries;
}

/** The canonical text of an entry list. */
export function formatList(entries: LotteryEntry[]): string {
	return entries.map((e) => `${e.ordinal}:${e.holder}:${e.tickets}`).join('\n');
}

/** Draws `count` winners from the seed and the list (see the module comment). */
export async function pickWinners(
	seed: string,
	entries: LotteryEntry[],
	count: number
): Promise<LotteryWinner[]> {
	const entriesHash = await sha256Hex(formatList(entries));
	const tickets = entries.map((e) => e.tickets);
	const winners: LotteryWinner[] = [];
	for (let k = 0; winners.length < count; k++) {
		const total = tickets.reduce((sum, t) => sum + t, 0);
		if (total === 0) break;
		const hash = await sha256Hex(`${seed}:${entriesHash}:${k}`);
		const r = parseInt(hash.slice(0, 12), 16);
		if (r >= Math.floor(RANGE / total) * total) continue;
		const ticket = r % total;
		let left = ticket;
		let index = 0;
		while (left >= tickets[index]) left -= tickets[index++];
		const holder = entries[index].holder;
		winners.push({ rank: winners.length + 1, holder, ticket });
		entries.forEach((e, i) => {
			if (e.holder === holder) tickets[i] = 0;
		});
	}
	return winners;
}

/** Checks a published draw: the seed matches its hash, the list its hash, and the winners follow. */
export async function verifyDraw(proof: LotteryProof): Promise<Verification> {
	if ((await sha256Hex(proof.seed)) !== proof.seed_hash) return { ok: false, reason: 'seed_hash' };
	if ((await sha256Hex(proof.list)) !== proof.entries_hash)
		return { ok: false, reason: 'entries_hash' };
	const entries = parseList(proof.list);
	if (!entries) return { ok: false, reason: 'list' };
	const winners = await pickWinners(proof.seed, entries, proof.winners_count);
	const same =
		winners.length === proof.winners.length &&
		winners.every(
			(w, i) =>
				w.rank === proof.winners[i].rank &&
				w.holder === proof.winners[i].holder &&
				w.ticket === Number(proof.winners[i].ticket)
		);
	return same ? { ok: true, winners } : { ok: false, reason: 'winners', winners };
}
