import { createSubscriber } from 'svelte/reactivity';

/** The time as a rune that re-reads every second while something on screen shows it. */
export class Clock {
	#tick = createSubscriber((update) => {
		const timer = setInterval(update, 1000);
		return () => clearInterval(timer);
	});

	get now(): number {
		this.#tick();
		return Date.now();
	}
}
