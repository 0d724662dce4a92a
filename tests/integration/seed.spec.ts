import { describe, expect, it } from 'vitest';
import { phoneClient } from './clients';

describe('the demo club as seeded', () => {
	it('lets the demo cashier check out the demo customer by phone, every point explained', async () => {
		const cashier = await phoneClient('+989120000002');
		const { data, error } = await cashier.functions.invoke('checkout', {
			body: {
				program: 'cafe-vafa',
				card: '+989120000001',
				amount: 2_500_000,
				idempotency_key: `seed-spec-${Date.now()}`
			}
		});
		expect(error).toBeNull();
		const receipt = data.receipt;
		expect(receipt.rule_version).toBe(1);
		expect(receipt.points_earned).toBe(25);
		expect(receipt.lines.map((line: { reason_key: string }) => line.reason_key)).toContain(
			'rule.base'
		);
		expect(
			receipt.lines.reduce((sum: number, line: { points: number }) => sum + line.points, 0)
		).toBe(25);
	});
});
