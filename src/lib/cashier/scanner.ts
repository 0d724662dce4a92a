import { parseCard } from '$shared/qr';

/** Why the camera cannot scan: the cashier types the code instead. */
export type CameraProblem = 'denied' | 'no-camera' | 'unsupported' | 'failed';

/** How often a frame is decoded: enough for a card held up, light on a shared counter tablet. */
const FRAME_MS = 200;
/** Frames are scaled down to this width before decoding; a card's QR stays readable. */
const DECODE_WIDTH = 640;

export interface ScanHandlers {
	/** A card's QR payload was read; the camera has already been stopped. */
	onCode: (payload: string) => void;
	onProblem: (problem: CameraProblem) => void;
}

function cameraProblem(error: unknown): CameraProblem {
	const name = (error as { name?: string })?.name;
	if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
	if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'no-camera';
	return 'failed';
}

/**
 * Opens the camera into `video` and decodes frames with jsQR (loaded only now) until a card's QR
 * payload shows up. Returns the function that stops it; call it when leaving the screen.
 */
export function startScanner(video: HTMLVideoElement, handlers: ScanHandlers): () => void {
	let stopped = false;
	let stream: MediaStream | null = null;
	let timer: ReturnType<typeof setTimeout> | undefined;

	const stop = () => {
		stopped = true;
		clearTimeout(timer);
		stream?.getTracks().forEach((track) => track.stop());
		stream = null;
		video.srcObject = null;
	};

	void (async () => {
		if (!navigator.mediaDevices?.getUserMedia) return handlers.onProblem('unsupported');
		let jsQR: typeof import('jsqr').default;
		try {
			const [media, decoder] = await Promise.all([
				navigator.mediaDevices.getUserMedia({
					video: { facingMode: 'environment' },
					audio: false
				}),
				import('jsqr')
			]);
			stream = media;
			jsQR = decoder.default;
		} catch (error) {
			if (!stopped) handlers.onProblem(cameraProblem(error));
			return;
		}
		if (stopped) return stop();
		video.srcObject = stream;
		video.muted = true;
		video.playsInline = true;
		await video.play().catch(() => {});

		const canvas = document.createElement('canvas');
		const context = canvas.getContext('2d', { willReadFrequently: true });
		if (!context) return handlers.onProblem('unsupported');
		const tick = () => {
			if (stopped) return;
			if (video.readyState >= video.HAVE_CURRENT_DATA && video.videoWidth > 0) {
				const scale = Math.min(1, DECODE_WIDTH / video.videoWidth);
				canvas.width = Math.round(video.videoWidth * scale);
				canvas.height = Math.round(video.videoHeight * scale);
				context.drawImage(video, 0, 0, canvas.width, canvas.height);
				const frame = context.getImageData(0, 0, canvas.width, canvas.height);
				const text = jsQR(frame.data, frame.width, frame.height, {
					inversionAttempts: 'dontInvert'
				})?.data;
				// Any other QR (a menu, a reward code) is not a card: keep looking.
				if (text && parseCard(text)?.kind === 'qr') {
					stop();
					handlers.onCode(text);
					return;
				}
			}
			timer = setTimeout(tick, FRAME_MS);
		};
		tick();
	})();

	return stop;
}
