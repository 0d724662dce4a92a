/**
 * The early card: the member's QR, painted into the app's HTML by the service worker when it
 * answers a navigation to the card (issue 5's time to QR). At the counter, with a weak signal or
 * none, the code is on screen at the first paint, as fast as a static page, instead of after the
 * app has loaded; the app removes it once its own card is drawn (see `handoff.ts`).
 *
 * It reads the card and secret the app cached (plain IndexedDB, the same rows the card screen
 * reads) for the user of the last cached wallet, and draws with the app's encoder and payload
 * code. It does not rotate: the app replaces it within a second, and the checkout accepts the
 * neighbouring step as well. No number or typed code: those follow with the app.
 */
import { decodeSecret } from '$shared/qr-draw';
import { peekStores, result } from '$lib/offline/peek';
import type { CachedCard, CardSecret, Stamp } from '$lib/offline/types';
import { qrShape } from '../qr';
import { codesAt } from '../rotation';
import { EARLY_CARD_ID } from './handoff';

const STYLE = `#${EARLY_CARD_ID}{position:fixed;inset:0;z-index:50;display:grid;place-content:center;justify-items:center;gap:.75rem;background:#fdf8f1;color:#2b1408;font:600 1.125rem/1.4 system-ui,sans-serif;text-align:center}#${EARLY_CARD_ID} p{margin:0}#${EARLY_CARD_ID} .f{padding:6px;border-radius:.75rem;background:conic-gradient(#7c2d12,#f59e0b,#7c2d12)}#${EARLY_CARD_ID} svg{display:block;inline-size:min(224px,70vw);block-size:auto;aspect-ratio:1;border-radius:.375rem}`;

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The first card of the last cached wallet (as the wallet orders them) and its secret, or null.
 * One open and one transaction: this runs on every navigation to the card, inside the page's budget.
 */
function cachedCard(): Promise<{ card: CachedCard; secret: string } | null> {
	return peekStores(['stamps', 'cards', 'secrets'], async (tx) => {
		const stamp = (await result(tx.objectStore('stamps').get('cards'))) as Stamp | undefined;
		if (!stamp) return null;
		const [cards, secrets] = (await Promise.all([
			result(tx.objectStore('cards').index('userId').getAll(stamp.userId)),
			result(tx.objectStore('secrets').index('userId').getAll(stamp.userId))
		])) as [CachedCard[], CardSecret[]];
		const card = cards.sort((a, b) => a.joinedAt.localeCompare(b.joinedAt))[0];
		const secret = card && secrets.find((row) => row.memberId === card.id)?.secret;
		return card && secret ? { card, secret } : null;
	});
}

/**
 * The early card's markup for a page opened at `nowMs`, or null when the device holds no card with
 * a secret. `aria-hidden`: a splash of well under a second; assistive technology meets the app's
 * labelled card instead.
 */
export async function earlyCardHtml(nowMs: number): Promise<string | null> {
	const found = await cachedCard();
	if (!found) return null;
	const [payload] = await codesAt(found.card.id, decodeSecret(found.secret), nowMs);
	const { path, size } = qrShape(payload);
	return (
		`<style>${STYLE}</style><div id="${EARLY_CARD_ID}" aria-hidden="true">` +
		`<p>${escape(found.card.club.name)}</p><div class="f">` +
		`<svg data-testid="member-qr-early" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges">` +
		`<rect width="${size}" height="${size}" fill="#fff"/><path d="${path}" fill="#1c1008"/></svg>` +
		`</div></div>`
	);
}

/** Adds the early card right after `<body …>` of the app's HTML; returns the HTML unchanged without one. */
export function withEarlyCard(html: string, markup: string | null): string {
	return markup ? html.replace(/<body[^>]*>/, (body) => body + markup) : html;
}
