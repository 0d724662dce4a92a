import QRCode from 'qrcode';
import type { Attachment } from 'svelte/attachments';

/** What a card's static QR code carries; the rotating code replaces it later. */
export function memberPayload(memberId: string): string {
	return `vafa:m:${memberId}`;
}

/** Draws `text` as a QR code on the canvas it is attached to, redrawing when the text changes. */
export function qrCode(text: string, size = 224): Attachment<HTMLCanvasElement> {
	return (canvas) => {
		// Dark on white with a quiet zone: what phone and counter scanners read most reliably.
		void QRCode.toCanvas(canvas, text, {
			width: size,
			margin: 2,
			errorCorrectionLevel: 'M',
			color: { dark: '#1c1008', light: '#ffffff' }
		});
	};
}
