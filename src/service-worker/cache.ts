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

/** Every route renders in the browser, so any navigation can be answered by the shell offline. */
export function routeNavigationsToShell() {
	registerRoute(new NavigationRoute(createHandlerBoundToURL(SHELL)));
}
