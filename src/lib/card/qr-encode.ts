/**
 * A small QR encoder (ISO/IEC 18004) for the card's path: error correction level M, alphanumeric
 * or byte mode, versions 1 to 10, the mask chosen by the standard's penalty rules (as `qrcode` and
 * every conforming encoder do). `qrcode` costs about 9 KB gzip before the QR.
 */

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
// Level M, versions 1 to 10: error-correction codewords per block, and the number of blocks.
const ECC_PER_BLOCK = [10, 16, 26, 18, 24, 16, 18, 22, 22, 26];
const BLOCKS = [1, 1, 1, 2, 2, 4, 4, 4, 5, 5];

/** The eight mask conditions: a module is flipped where its mask's condition holds. */
const MASKS: ((x: number, y: number) => boolean)[] = [
	(x, y) => (x + y) % 2 === 0,
	(_, y) => y % 2 === 0,
	(x) => x % 3 === 0,
	(x, y) => (x + y) % 3 === 0,
	(x, y) => (Math.floor(y / 2) + Math.floor(x / 3)) % 2 === 0,
	(x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
	(x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0,
	(x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0
];

/** Dark modules, `modules[y][x]`, of a square `size` modules wide (no quiet zone). */
export interface QrMatrix {
	size: number;
	modules: boolean[][];
}

const bit = (value: number, i: number) => ((value >>> i) & 1) !== 0;

/** Modules left for data and error correction once the function patterns are drawn. */
function rawModules(version: number) {
	let result = (16 * version + 128) * version + 64;
	if (version >= 2) {
		const align = Math.floor(version / 7) + 2;
		result -= (25 * align - 10) * align - 55;
		if (version >= 7) result -= 36;
	}
	return result;
}

const dataCodewords = (version: number) =>
	Math.floor(rawModules(version) / 8) - ECC_PER_BLOCK[version - 1] * BLOCKS[version - 1];

function gfMultiply(x: number, y: number) {
	let z = 0;
	for (let i = 7; i >= 0; i--) {
		z = (z << 1) ^ ((z >>> 7) * 0x11d);
		z ^= ((y >>> i) & 1) * x;
	}
	return z;
}

function rsDivisor(degree: number) {
	const result: number[] = new Array(degree).fill(0);
	result[degree - 1] = 1;
	let root = 1;
	for (let i = 0; i < degree; i++) {
		for (let j = 0; j < degree; j++) {
			result[j] = gfMultiply(result[j], root);
			if (j + 1 < degree) result[j] ^= result[j + 1];
		}
		root = gfMultiply(root, 2);
	}
	return result;
}

function rsRemainder(data: number[], divisor: number[]) {
	const result = divisor.map(() => 0);
	for (const byte of data) {
		const factor = byte ^ (result.shift() as number);
		result.push(0);
		divisor.forEach((coefficient, i) => (result[i] ^= gfMultiply(coefficient, factor)));
	}
	return result;
}

/** The data codewords: mode, count, payload, terminator and padding for the smallest version. */
function encodeData(text: string): { version: number; codewords: number[] } {
	const alphanumeric = [...text].every((c) => ALPHANUMERIC.includes(c));
	const bytes = alphanumeric ? [] : [...new TextEncoder().encode(text)];
	for (let version = 1; version <= 10; version++) {
		const bits: number[] = [];
		const put = (value: number, length: number) => {
			for (let i = length - 1; i >= 0; i--) bits.push((value >>> i) & 1);
		};
		if (alphanumeric) {
			put(0b0010, 4);
			put(text.length, version < 10 ? 9 : 11);
			for (let i = 0; i < text.length; i += 2) {
				const first = ALPHANUMERIC.indexOf(text[i]);
				if (i + 1 < text.length) put(first * 45 + ALPHANUMERIC.indexOf(text[i + 1]), 11);
				else put(first, 6);
			}
		} else {
			put(0b0100, 4);
			put(bytes.length, version < 10 ? 8 : 16);
			bytes.forEach((byte) => put(byte, 8));
		}
		const capacity = dataCodewords(version) * 8;
		if (bits.length > capacity) continue;
		put(0, Math.min(4, capacity - bits.length));
		put(0, (8 - (bits.length % 8)) % 8);
		const codewords: number[] = [];
		for (let i = 0; i < bits.length; i += 8)
			codewords.push(bits.slice(i, i + 8).reduce((byte, b) => (byte << 1) | b, 0));
		for (let pad = 0xec; codewords.length < capacity / 8; pad ^= 0xec ^ 0x11) codewords.push(pad);
		return { version, codewords };
	}
	throw new RangeError('text too long for a version 10 QR code');
}

/** Splits the data into blocks, adds each block's error correction and interleaves them. */
function interleave(version: number, data: number[]) {
	const blocks = BLOCKS[version - 1];
	const eccLength = ECC_PER_BLOCK[version - 1];
	const raw = Math.floor(rawModules(version) / 8);
	const shortBlocks = blocks - (raw % blocks);
	const shortLength = Math.floor(raw / blocks);
	const divisor = rsDivisor(eccLength);
	const all: number[][] = [];
	for (let i = 0, k = 0; i < blocks; i++) {
		const block = data.slice(k, k + shortLength - eccLength + (i < shortBlocks ? 0 : 1));
		k += block.length;
		const ecc = rsRemainder(block, divisor);
		if (i < shortBlocks) block.push(0);
		all.push(block.concat(ecc));
	}
	const result: number[] = [];
	for (let i = 0; i < all[0].length; i++)
		all.forEach((block, j) => {
			if (i !== shortLength - eccLength || j >= shortBlocks) result.push(block[i]);
		});
	return result;
}

/** `text` as a QR code's modules at level M. */
export function encodeQr(text: string): QrMatrix {
	const { version, codewords } = encodeData(text);
	const size = version * 4 + 17;
	const modules = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
	const fixed = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
	const set = (x: number, y: number, dark: boolean) => {
		modules[y][x] = dark;
		fixed[y][x] = true;
	};

	for (let i = 0; i < size; i++) {
		set(6, i, i % 2 === 0);
		set(i, 6, i % 2 === 0);
	}
	for (const [cx, cy] of [
		[3, 3],
		[size - 4, 3],
		[3, size - 4]
	]) {
		for (let dy = -4; dy <= 4; dy++)
			for (let dx = -4; dx <= 4; dx++) {
				const distance = Math.max(Math.abs(dx), Math.abs(dy));
				const x = cx + dx;
				const y = cy + dy;
				if (x >= 0 && x < size && y >= 0 && y < size) set(x, y, distance !== 2 && distance !== 4);
			}
	}
	if (version > 1) {
		const count = Math.floor(version / 7) + 2;
		const step = Math.ceil((version * 4 + 4) / (count * 2 - 2)) * 2;
		const positions = [6];
		for (let p = size - 7; positions.length < count; p -= step) positions.splice(1, 0, p);
		positions.forEach((x, i) =>
			positions.forEach((y, j) => {
				const last = count - 1;
				if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return;
				for (let dy = -2; dy <= 2; dy++)
					for (let dx = -2; dx <= 2; dx++)
						set(x + dx, y + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
			})
		);
	}
	// The format information's places are kept free of data; it is drawn per mask below.
	drawFormat(modules, size, 0, (x, y) => (fixed[y][x] = true));
	if (version >= 7) {
		let rem = version;
		for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1f25);
		const bits = (version << 12) | rem;
		for (let i = 0; i < 18; i++) {
			const a = size - 11 + (i % 3);
			const b = Math.floor(i / 3);
			set(a, b, bit(bits, i));
			set(b, a, bit(bits, i));
		}
	}

	const data = interleave(version, codewords);
	let i = 0;
	for (let right = size - 1; right >= 1; right -= 2) {
		if (right === 6) right = 5;
		for (let vertical = 0; vertical < size; vertical++)
			for (let j = 0; j < 2; j++) {
				const x = right - j;
				const y = ((right + 1) & 2) === 0 ? size - 1 - vertical : vertical;
				if (fixed[y][x]) continue;
				modules[y][x] = i < data.length * 8 && bit(data[i >>> 3], 7 - (i & 7));
				i++;
			}
	}

	// Every mask is tried and the one with the lowest penalty kept (ISO/IEC 18004, 7.8.3).
	let best: boolean[][] = modules;
	let bestPenalty = Infinity;
	for (let mask = 0; mask < MASKS.length; mask++) {
		const candidate = modules.map((row, y) =>
			row.map((dark, x) => (fixed[y][x] ? dark : dark !== MASKS[mask](x, y)))
		);
		drawFormat(candidate, size, mask);
		const score = penalty(candidate);
		if (score < bestPenalty) {
			best = candidate;
			bestPenalty = score;
		}
	}
	return { size, modules: best };
}

/** Draws the format information (level M, then `mask`) in both of its places. */
function drawFormat(
	modules: boolean[][],
	size: number,
	mask: number,
	reserve: (x: number, y: number) => void = () => {}
) {
	// Level M's format bits are 00, then the mask.
	let remainder = mask;
	for (let i = 0; i < 10; i++) remainder = (remainder << 1) ^ ((remainder >>> 9) * 0x537);
	const format = ((mask << 10) | remainder) ^ 0x5412;
	const set = (x: number, y: number, dark: boolean) => {
		modules[y][x] = dark;
		reserve(x, y);
	};
	for (let i = 0; i <= 5; i++) set(8, i, bit(format, i));
	set(8, 7, bit(format, 6));
	set(8, 8, bit(format, 7));
	set(7, 8, bit(format, 8));
	for (let i = 9; i < 15; i++) set(14 - i, 8, bit(format, i));
	for (let i = 0; i < 8; i++) set(size - 1 - i, 8, bit(format, i));
	for (let i = 8; i < 15; i++) set(8, size - 15 + i, bit(format, i));
	set(8, size - 8, true);
}

/** The standard's penalty of a masked symbol: runs, 2x2 blocks, finder-like patterns, balance. */
export function penalty(modules: boolean[][]): number {
	const size = modules.length;
	let score = 0;
	const column = (x: number) => modules.map((row) => row[x]);
	const lines = [...modules, ...Array.from({ length: size }, (_, x) => column(x))];
	for (const line of lines) {
		// N1: five or more same-coloured modules in a row score 3, plus 1 for each beyond five.
		let run = 1;
		for (let i = 1; i <= size; i++) {
			if (i < size && line[i] === line[i - 1]) run++;
			else {
				if (run >= 5) score += run - 2;
				run = 1;
			}
		}
		// N3: 1:1:3:1:1 dark-light-dark-dark-dark-light-dark with four light modules on a side.
		for (let i = 0; i + 11 <= size; i++) {
			const pattern = line
				.slice(i, i + 11)
				.map((dark) => (dark ? 1 : 0))
				.join('');
			if (pattern === '10111010000' || pattern === '00001011101') score += 40;
		}
	}
	// N2: each 2x2 block of one colour scores 3.
	for (let y = 0; y + 1 < size; y++)
		for (let x = 0; x + 1 < size; x++) {
			const c = modules[y][x];
			if (c === modules[y][x + 1] && c === modules[y + 1][x] && c === modules[y + 1][x + 1])
				score += 3;
		}
	return score + balancePenalty(modules);
}

/**
 * N4: 10 for each full 5% step the share of dark modules lies away from one half (45-55% scores 0,
 * 40-45% and 55-60% score 10, …), in integers as the reference encoders compute it.
 */
export function balancePenalty(modules: boolean[][]): number {
	const total = modules.length * modules.length;
	const dark = modules.reduce((sum, row) => sum + row.filter(Boolean).length, 0);
	return Math.max(0, Math.ceil(Math.abs(dark * 20 - total * 10) / total) - 1) * 10;
}
