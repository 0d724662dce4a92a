import { describe, expect, it } from 'vitest';
import { Attempt } from './attempt';

describe('one idempotency key per attempt at a write', () => {
	it('sends a retried or double-tapped request with the same key', () => {
		const attempt = new Attempt('cashier');
		const key = attempt.keyFor({ ticket: 't', amount: 1000 });
		expect(attempt.keyFor({ ticket: 't', amount: 1000 })).toBe(key);
	});

	it('gives a changed request a new key, so the server does not refuse it as reused', () => {
		const attempt = new Attempt('cashier');
		const key = attempt.keyFor({ ticket: 't', amount: 1000 });
		expect(attempt.keyFor({ ticket: 't', amount: 2000 })).not.toBe(key);
	});

	it('starts a new operation after a success, even for the same request', () => {
		const attempt = new Attempt('cashier');
		const key = attempt.keyFor({ ticket: 't', amount: 1000 });
		attempt.done();
		expect(attempt.keyFor({ ticket: 't', amount: 1000 })).not.toBe(key);
	});

	it('names the kind of write in the key', () => {
		expect(new Attempt('redeem').keyFor({ reward: 'r' })).toMatch(/^redeem-[0-9a-f-]{36}$/);
	});
});
