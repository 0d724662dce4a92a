import jsQR from 'jsqr';
import { describe, expect, it } from 'vitest';
import { encodeQr } from './qr-encode';

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
	it('draws the same symbol as the qrcode package, which applies the same penalty rules', async () => {
		const QRCode = await import('qrcode');
		const base32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
		// A fixed linear congruential sequence: varied payloads, the same ones on every run.
		let seed = 20261123;
		const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
		const random = (length: number) => Array.from({ length }, () => base32[next() % 32]).join('');
		const texts: [string, 'alphanumeric' | 'byte'][] = [
			['V1:7WP9M7KV9N68X6GBBNQ7Z2MV1G:1S2CQW:DB36JX9TMS7AA', 'alphanumeric'],
			['K7M2Q9XP', 'alphanumeric'],
			['A'.repeat(200), 'alphanumeric'],
			['https://vafa.example/join/cafe-vafa?ref=ab12', 'byte'],
			...Array.from(
				{ length: 40 },
				() => [`V1:${random(26)}:${random(6)}:${random(13)}`, 'alphanumeric'] as const
			)
		];
		for (const [text, mode] of texts) {
			// One segment in our encoder's mode, so only the mask can differ.
			const theirs = QRCode.create([{ data: text, mode }], { errorCorrectionLevel: 'M' });
			const ours = encodeQr(text);
			expect(ours.size, text).toBe(theirs.modules.size);
			const flat = ours.modules.flat().map((dark) => (dark ? 1 : 0));
			expect(flat, text).toEqual(Array.from(theirs.modules.data));
		}
	});
});
