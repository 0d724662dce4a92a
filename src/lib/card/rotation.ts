import { cardPayload, fallbackCode } from '$shared/qr-draw';

/** When the rotating QR must be redrawn: pure arithmetic on the 30 s TOTP steps of `$shared/qr-draw`. */

export const STEP_MS = 30_000;

/** The step `nowMs` falls in. */
export function stepOf(nowMs: number): number {
	return Math.floor(nowMs / STEP_MS);
}

/** Milliseconds until the next step begins (never 0, so a timer always moves forward). */
export function msToNextStep(nowMs: number): number {
	return STEP_MS - (((nowMs % STEP_MS) + STEP_MS) % STEP_MS);
}

/** Whole seconds the current code has left, for the "new code in …" text. */
export function secondsLeft(nowMs: number): number {
	return Math.ceil(msToNextStep(nowMs) / 1000);
}

/** The QR payload and the typed code a card shows at `nowMs`. */
export function codesAt(
	memberId: string,
	secret: Uint8Array,
	nowMs: number
): Promise<[payload: string, code: string]> {
	return Promise.all([
		cardPayload(memberId, secret, new Date(nowMs)),
		fallbackCode(secret, stepOf(nowMs))
	]);
}
