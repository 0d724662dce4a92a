import { describe, expect, it } from 'vitest';
import { msToNextStep, secondsLeft, stepOf } from './rotation';
import { stepAt } from '$shared/qr-draw';

describe('QR step scheduling', () => {
	it('agrees with the server on the step of any instant', () => {
		for (const at of [0, 29_999, 30_000, 1_795_422_600_000, Date.UTC(2026, 10, 23, 8, 30, 17)]) {
			expect(stepOf(at)).toBe(stepAt(new Date(at)));
		}
	});

	it('redraws exactly at the next step boundary', () => {
		expect(msToNextStep(1_795_422_600_000)).toBe(30_000);
		expect(msToNextStep(1_795_422_600_001)).toBe(29_999);
		expect(msToNextStep(1_795_422_629_999)).toBe(1);
		const now = 1_795_422_612_345;
		expect(stepOf(now + msToNextStep(now))).toBe(stepOf(now) + 1);
	});

	it('tells the seconds left in the step', () => {
		expect(secondsLeft(1_795_422_600_000)).toBe(30);
		expect(secondsLeft(1_795_422_629_001)).toBe(1);
	});
});
