import { describe, expect, it } from 'vitest';
import { Loaded } from './loaded.svelte';
import type { Outcome } from './rpc';

describe('Loaded', () => {
	it('keeps the value a call brings and clears the last problem', async () => {
		const answers: Outcome<number>[] = [
			{ ok: false, code: 'network' },
			{ ok: true, value: 7 }
		];
		const loaded = new Loaded(async () => answers.shift()!);
		expect(loaded.value).toBeNull();
		await loaded.load();
		expect(loaded.problem).toBe('network');
		expect(loaded.value).toBeNull();
		await loaded.load();
		expect(loaded.problem).toBeNull();
		expect(loaded.value).toBe(7);
	});

	it('keeps the last value when a reload fails', async () => {
		const answers: Outcome<string>[] = [
			{ ok: true, value: 'a' },
			{ ok: false, code: 'VAFA_X' }
		];
		const loaded = new Loaded(async () => answers.shift()!);
		await loaded.load();
		await loaded.load();
		expect(loaded.value).toBe('a');
		expect(loaded.problem).toBe('VAFA_X');
	});
});
