/** The card colours when a club has set none: Vafa's espresso. */
const DEFAULT_PRIMARY = '#7c2d12';

export interface CardColours {
	background: string;
	text: string;
}

/**
 * A club's card colours from its branding, with a text colour that keeps AA contrast (4.5:1)
 * whatever colour the club picked.
 */
export function cardColours(branding: Record<string, unknown>): CardColours {
	const primary = branding.primary;
	const background =
		typeof primary === 'string' && /^#[0-9a-f]{6}$/i.test(primary) ? primary : DEFAULT_PRIMARY;
	const light = contrast(background, '#ffffff');
	const dark = contrast(background, '#1c1008');
	return { background, text: light >= dark ? '#ffffff' : '#1c1008' };
}

/** WCAG 2 contrast ratio of two #rrggbb colours. */
export function contrast(a: string, b: string): number {
	const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
	return (high + 0.05) / (low + 0.05);
}

function luminance(hex: string): number {
	const channels = [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16) / 255);
	const [r, g, b] = channels.map((c) =>
		c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
	) as [number, number, number];
	return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
