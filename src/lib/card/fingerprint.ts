import { decodeSecret } from '$shared/qr-draw';

/**
 * A card secret's fingerprint as `my_card_fingerprints()` computes it on the server: the first 8
 * bytes of SHA-256 of the secret, in lower-case hex.
 */
export async function fingerprintOf(secret: string): Promise<string> {
	const digest = new Uint8Array(
		await crypto.subtle.digest('SHA-256', new Uint8Array(decodeSecret(secret)))
	);
	return Array.from(digest.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The cards whose secret on this device is no longer the card's current one (another device
 * asked for the card since): `held` by card id against the server's fingerprints. A card the
 * server does not list is left alone; a card the device holds no secret for is not stale.
 */
export async function staleCards(
	held: Record<string, string>,
	current: Record<string, string | null>
): Promise<string[]> {
	const stale: string[] = [];
	for (const [memberId, secret] of Object.entries(held)) {
		if (!(memberId in current)) continue;
		if (current[memberId] !== (await fingerprintOf(secret))) stale.push(memberId);
	}
	return stale;
}
