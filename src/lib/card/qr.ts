import { encodeQr } from './qr-encode';

/** A QR code as the dark modules' SVG path, with its size in modules (quiet zone included). */
export interface QrShape {
	path: string;
	size: number;
}

// ISO/IEC 18004 asks for four light modules around the symbol.
const QUIET_ZONE = 4;

/**
 * `text` as a QR code, drawn on the device so it works offline. An SVG path stays sharp at any
 * size and costs no canvas or image decoding.
 */
export function qrShape(text: string): QrShape {
	const { modules, size: count } = encodeQr(text);
	let path = '';
	for (let row = 0; row < count; row++) {
		for (let col = 0; col < count; col++) {
			if (modules[row][col]) path += `M${col + QUIET_ZONE} ${row + QUIET_ZONE}h1v1h-1z`;
		}
	}
	return { path, size: count + QUIET_ZONE * 2 };
}
