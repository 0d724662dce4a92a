import { Workbox } from 'workbox-window';

/**
 * The service worker's life as the page sees it: registers it and says when a new version is
 * waiting, which activates only when the user agrees (registerType 'prompt').
 */
export class Updates {
	#workbox: Workbox | null = null;
	#waiting = $state(false);

	/** Whether a new version is installed and waiting for the user's go-ahead. */
	get waiting(): boolean {
		return this.#waiting;
	}

	register(url: string, scope: string) {
		if (!('serviceWorker' in navigator) || this.#workbox) return;
		const workbox = new Workbox(url, { scope });
		workbox.addEventListener('waiting', () => (this.#waiting = true));
		this.#workbox = workbox;
		void workbox.register();
	}

	/** Activates the waiting version and reloads once it controls the page. */
	reload() {
		const workbox = this.#workbox;
		if (!workbox) return;
		workbox.addEventListener('controlling', () => window.location.reload());
		workbox.messageSkipWaiting();
	}

	dismiss() {
		this.#waiting = false;
	}
}
