/** The element the service worker paints the early card into (see early-card.ts). */
export const EARLY_CARD_ID = 'early-card';

/**
 * The app has drawn its own screen: remove the early card. Safe to call any number of times, and a
 * no-op where the page was served without one.
 */
export function handOffEarlyCard(): void {
	document.getElementById(EARLY_CARD_ID)?.remove();
}
