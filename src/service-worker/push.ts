/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />

declare const self: ServiceWorkerGlobalScope;

interface PushPayload {
	title?: string;
	body?: string;
	tag?: string;
	url?: string;
}

/**
 * A club's message sent by the dispatcher (web push, VAPID). The tag is the delivery's id, so a
 * repeat of the same delivery replaces the notification instead of showing a second one.
 */
export function onPush(event: PushEvent) {
	let payload: PushPayload = {};
	try {
		payload = (event.data?.json() ?? {}) as PushPayload;
	} catch {
		payload = { body: event.data?.text() };
	}
	event.waitUntil(
		self.registration.showNotification(payload.title || 'Vafa', {
			body: payload.body ?? '',
			tag: payload.tag,
			icon: '/favicon.svg',
			data: { url: payload.url ?? '/inbox' }
		})
	);
}

/** Opening a notification focuses the app on the inbox, or opens it. */
export function onNotificationClick(event: NotificationEvent) {
	event.notification.close();
	const url = new URL(String(event.notification.data?.url ?? '/inbox'), self.location.origin).href;
	event.waitUntil(
		self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
			const open = windows.find((client) => client.url.startsWith(self.location.origin));
			if (open) return open.navigate(url).then((client) => client?.focus());
			return self.clients.openWindow(url);
		})
	);
}
