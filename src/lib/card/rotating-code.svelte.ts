import { decodeSecret } from '$shared/qr-draw';
import { codesAt, msToNextStep, stepOf } from './rotation';

/** A card's rotating QR payload and typed code, redrawn at every 30 s step from the kept secret. */
export class RotatingCode {
	#payload = $state<string | null>(null);
	#code = $state<string | null>(null);
	#step = $state(0);

	/** Call during component initialisation: the timer lives as long as the component. */
	constructor(memberId: () => string, secret: () => string | null) {
		$effect(() => {
			const id = memberId();
			const text = secret();
			if (!text) return;
			return this.#run(id, decodeSecret(text));
		});
	}

	get payload() {
		return this.#payload;
	}

	/** The 6-digit fallback code of the current step. */
	get code() {
		return this.#code;
	}

	get step() {
		return this.#step;
	}

	#run(memberId: string, secret: Uint8Array): () => void {
		let timer: ReturnType<typeof setTimeout> | undefined;
		let stopped = false;
		const draw = async () => {
			clearTimeout(timer);
			const now = Date.now();
			const [payload, code] = await codesAt(memberId, secret, now);
			if (stopped) return;
			this.#payload = payload;
			this.#code = code;
			this.#step = stepOf(now);
			timer = setTimeout(draw, msToNextStep(Date.now()));
		};
		// Background tabs throttle timers; a returning user must never see a stale code.
		const onVisible = () => document.visibilityState === 'visible' && void draw();
		document.addEventListener('visibilitychange', onVisible);
		void draw();
		return () => {
			stopped = true;
			clearTimeout(timer);
			document.removeEventListener('visibilitychange', onVisible);
		};
	}
}
