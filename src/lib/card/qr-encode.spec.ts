import jsQR from 'jsqr';
import type { QRCodeMaskPattern } from 'qrcode';
import { describe, expect, it } from 'vitest';
import { balancePenalty, encodeQr, penalty } from './qr-encode';

/** What a scanner reads from the modules drawn 4 px each with a 4-module quiet zone. */
function scan(text: string) {
	const { size, modules } = encodeQr(text);
	const scale = 4;
	const width = (size + 8) * scale;
	const pixels = new Uint8ClampedArray(width * width * 4).fill(255);
	for (let y = 0; y < width; y++)
		for (let x = 0; x < width; x++) {
			const mx = Math.floor(x / scale) - 4;
			const my = Math.floor(y / scale) - 4;
			if (modules[my]?.[mx]) pixels.fill(0, (y * width + x) * 4, (y * width + x) * 4 + 3);
		}
	return { size, data: jsQR(pixels, width, width)?.data };
}

describe('encodeQr', () => {
	it('encodes a card payload as a version 3 code that a scanner reads back', () => {
		const payload = 'V1:01JD3K4M5N6P7Q8R9S0T1V2W3X:12:0ABCDEFGHJKMN';
		expect(scan(payload)).toEqual({ size: 29, data: payload });
	});

	it('encodes a redemption code and text outside the alphanumeric set', () => {
		expect(scan('K7M2Q9XP').data).toBe('K7M2Q9XP');
		expect(scan('https://vafa.example/join/cafe-vafa?ref=ab12').data).toBe(
			'https://vafa.example/join/cafe-vafa?ref=ab12'
		);
	});

	it('needs several blocks and version information for longer text', () => {
		const long = 'A'.repeat(200);
		const { size, data } = scan(long);
		expect(size).toBeGreaterThanOrEqual(45);
		expect(data).toBe(long);
	});
});

describe('mask choice', () => {
	// A fixed sequence of realistic card payloads (base32 from a 48-bit LCG's high bits).
	const base32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
	let seed = 20261123;
	const next = () => {
		seed = (seed * 25214903917 + 11) % 2 ** 48;
		return Math.floor(seed / 2 ** 43);
	};
	const random = (length: number) => Array.from({ length }, () => base32[next()]).join('');
	const payloads = [
		'V1:7WP9M7KV9N68X6GBBNQ7Z2MV1G:1S2CQW:DB36JX9TMS7AA',
		'K7M2Q9XP',
		'A'.repeat(200),
		...Array.from({ length: 30 }, () => `V1:${random(26)}:${random(6)}:${random(13)}`)
	];
	const matrixOf = (modules: { size: number; data: Uint8Array }) =>
		Array.from({ length: modules.size }, (_, y) =>
			Array.from(modules.data.subarray(y * modules.size, (y + 1) * modules.size), Boolean)
		);

	it('scores runs, blocks and finder-like patterns as the qrcode package does, for every mask', async () => {
		const QRCode = await import('qrcode');
		// qrcode's own penalty functions (untyped internals of the package).
		type Scorer = (modules: unknown) => number;
		const { default: MaskPattern } = (await import(
			// @ts-expect-error -- no declaration file for the package's internal module
			'qrcode/lib/core/mask-pattern.js'
		)) as { default: Record<'getPenaltyN1' | 'getPenaltyN2' | 'getPenaltyN3', Scorer> };
		for (const text of payloads.slice(0, 8)) {
			for (let mask = 0; mask < 8; mask++) {
				const { modules } = QRCode.create([{ data: text, mode: 'alphanumeric' }], {
					errorCorrectionLevel: 'M',
					maskPattern: mask as QRCodeMaskPattern
				});
				const m = matrixOf(modules);
				const theirs =
					MaskPattern.getPenaltyN1(modules) +
					MaskPattern.getPenaltyN2(modules) +
					MaskPattern.getPenaltyN3(modules);
				expect(penalty(m) - balancePenalty(m), `${text} mask ${mask}`).toBe(theirs);
			}
		}
	});

	it('scores the balance of dark modules in 5% steps away from one half (ISO/IEC 18004 table 11)', () => {
		const square = (size: number, dark: number) =>
			Array.from({ length: size }, (_, y) =>
				Array.from({ length: size }, (_, x) => y * size + x < dark)
			);
		// 21 x 21 = 441 modules.
		expect(balancePenalty(square(21, 221))).toBe(0); // 50.1%
		expect(balancePenalty(square(21, 240))).toBe(0); // 54.4%
		expect(balancePenalty(square(21, 245))).toBe(10); // 55.6%
		expect(balancePenalty(square(21, 190))).toBe(10); // 43.1%
		expect(balancePenalty(square(21, 0))).toBe(90); // all light
	});

	it('keeps the mask with the lowest penalty, drawn exactly as the qrcode package draws that mask', async () => {
		const QRCode = await import('qrcode');
		for (const text of payloads) {
			const symbols = Array.from({ length: 8 }, (_, mask) =>
				matrixOf(
					QRCode.create([{ data: text, mode: 'alphanumeric' }], {
						errorCorrectionLevel: 'M',
						maskPattern: mask as QRCodeMaskPattern
					}).modules
				)
			);
			const scores = symbols.map(penalty);
			const best = scores.indexOf(Math.min(...scores));
			expect(encodeQr(text).modules, text).toEqual(symbols[best]);
		}
	});
});
