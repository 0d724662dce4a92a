import { describe, expect, it } from 'vitest';
import { fingerprintOf, staleCards } from './fingerprint';

// 32 bytes 0x00..0x1f as base64url; its SHA-256 starts 630dcd2966c43366 (computed independently
// with Python's `hashlib.sha256(bytes(range(32))).hexdigest()`).
const SECRET = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';

describe('card secret fingerprints', () => {
	it('are the first 8 bytes of SHA-256 of the secret, in hex', async () => {
		expect(await fingerprintOf(SECRET)).toBe('630dcd2966c43366');
	});

	it('find the cards another device has taken over', async () => {
		const held = { a: SECRET, b: SECRET, c: SECRET };
		const current = {
			a: '630dcd2966c43366',
			b: '0000000000000000',
			c: null,
			d: 'ffffffffffffffff'
		};
		expect(await staleCards(held, current)).toEqual(['b', 'c']);
		expect(await staleCards({}, current)).toEqual([]);
	});
});
