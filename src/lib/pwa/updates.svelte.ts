import type { Workbox } from 'workbox-window';

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
		let timer: ReturnType<typeof setInterval> | undefined;
		let stopped = false;
		// workbox-window is loaded after the first paint: the card must not wait for it.
		void import('workbox-window').then(({ Workbox }) => {
			if (stopped) return;
			timer = this.#start(new Workbox(url, { scope }));
		});
		return () => {
			stopped = true;
			clearInterval(timer);
		};
	}

	#start(workbox: Workbox): ReturnType<typeof setInterval> {
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
		return setInterval(() => void workbox.update(), CHECK_EVERY_MS);
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
