import QRCode from 'qrcode';

/** What a card's static QR code carries; the rotating code replaces it later. */
export function memberPayload(memberId: string): string {
	return `vafa:m:${memberId}`;
}

/** `text` as a QR code image (PNG data URL), drawn on the device so it works offline. */
export function qrImage(text: string, size = 224): Promise<string> {
	// Dark on white with a quiet zone: what phone and counter scanners read most reliably.
	return QRCode.toDataURL(text, {
		width: size,
		margin: 2,
		errorCorrectionLevel: 'M',
		color: { dark: '#1c1008', light: '#ffffff' }
	});
}
