/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { base } from '$service-worker';
import {
	cleanupOutdatedCaches,
	createHandlerBoundToURL,
	precacheAndRoute,
	type PrecacheEntry
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import type { RouteHandlerCallbackOptions } from 'workbox-core/types';
import { earlyCardHtml, withEarlyCard } from '$lib/card/early/early-card';

declare const self: ServiceWorkerGlobalScope & {
	__WB_MANIFEST: Array<PrecacheEntry | string>;
};

/** The SPA shell's URL: @vite-pwa/sveltekit precaches the adapter fallback under it (kit.spa). */
const SHELL = `${base}/`;

/** Precaches the build (JS, CSS, icons, manifest) and the shell; drops caches of older builds. */
export function precacheShell() {
	precacheAndRoute(self.__WB_MANIFEST);
	cleanupOutdatedCaches();
}

/** The card's addresses: the app's start URL and the "Show my card" shortcut. */
const CARD_PATHS = new Set([`${base}/`, `${base}/card`, `${base}/card/`]);

/** The longest the early card may hold up the page: a slow disk must not cost the page. */
const EARLY_CARD_BUDGET_MS = 150;

/**
 * Every route renders in the browser, so any navigation can be answered by the shell offline. A
 * navigation to the card gets the member's QR painted into the shell (the early card), so the code
 * shows at the first paint rather than after the app has loaded.
 */
export function routeNavigationsToShell() {
	const shell = createHandlerBoundToURL(SHELL);
	registerRoute(
		new NavigationRoute(async (options: RouteHandlerCallbackOptions) => {
			const started = Date.now();
			const early = CARD_PATHS.has(options.url.pathname)
				? Promise.race([
						earlyCardHtml(started).catch(() => null),
						new Promise<null>((resolve) => setTimeout(() => resolve(null), EARLY_CARD_BUDGET_MS))
					])
				: Promise.resolve(null);
			const [response, markup] = await Promise.all([shell(options), early]);
			if (!markup || !response.ok) return response;
			return new Response(withEarlyCard(await response.text(), markup), {
				status: response.status,
				statusText: response.statusText,
				headers: response.headers
			});
		})
	);
}
