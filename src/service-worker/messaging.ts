/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />

declare const self: ServiceWorkerGlobalScope;

/** The page's "reload" button (workbox-window `messageSkipWaiting`) activates the waiting worker. */
export function onMessage(event: ExtendableMessageEvent) {
	if (event.data?.type === 'SKIP_WAITING') void self.skipWaiting();
}
