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
