import { describe, expect, it } from 'vitest';
import { cardColours, contrast } from './branding';

describe('cardColours', () => {
	it("uses the club's primary colour with white text when it is dark", () => {
		expect(cardColours({ primary: '#7c2d12' })).toEqual({ background: '#7c2d12', text: '#ffffff' });
	});

	it('switches to dark text on a light club colour so the card stays readable', () => {
		const colours = cardColours({ primary: '#fde68a' });
		expect(colours.text).toBe('#1c1008');
		expect(contrast(colours.background, colours.text)).toBeGreaterThanOrEqual(4.5);
	});

	it('falls back to the default colour when branding is missing or not a colour', () => {
		expect(cardColours({}).background).toBe('#7c2d12');
		expect(cardColours({ primary: 'red; background: url(x)' }).background).toBe('#7c2d12');
	});
});

describe('contrast', () => {
	it('gives 21:1 for black on white', () => {
		expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
	});
});
