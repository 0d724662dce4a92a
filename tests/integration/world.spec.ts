import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type World } from './world';

let world: World;
beforeAll(async () => {
	world = await createWorld();
});
afterAll(() => world.end());

describe('the test world', () => {
	it('gives each customer a card with both accounts and the base tier, readable through my_cards', async () => {
		await world.earn(world.a.memberId, 120);
		const { data, error } = await world.a.client.rpc('my_cards');
		expect(error).toBeNull();
		expect(data).toHaveLength(1);
		expect(data[0]).toMatchObject({
			points: 120,
			wallet: 0,
			tier: { rank: 0 },
			next_tier: { rank: 1, remaining: 380 }
		});
		expect(await world.discrepancies()).toEqual([]);
	});
});
