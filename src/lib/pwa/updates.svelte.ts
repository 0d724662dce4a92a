import { Workbox } from 'workbox-window';

/** An installed app can stay open for days; look for a new version this often. */
const CHECK_EVERY_MS = 60 * 60 * 1000;

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

	/** Registers the worker; returns a function that stops the periodic update checks. */
	register(url: string, scope: string): () => void {
		if (!('serviceWorker' in navigator) || this.#workbox) return () => {};
		const workbox = new Workbox(url, { scope });
		this.#workbox = workbox;
		workbox.addEventListener('waiting', () => (this.#waiting = true));
		void workbox.register().then((registration) => {
			// The browser checks for an update on every navigation, often before this page registers;
			// workbox-window misses such an update while it is still installing, so follow it here.
			const installing = registration?.installing;
			if (installing && navigator.serviceWorker.controller) {
				installing.addEventListener('statechange', () => {
					if (installing.state === 'installed') this.#waiting = true;
				});
			}
		});
		const timer = setInterval(() => void workbox.update(), CHECK_EVERY_MS);
		return () => clearInterval(timer);
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
