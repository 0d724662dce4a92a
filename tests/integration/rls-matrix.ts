/**
 * Shared pieces of the RLS matrix specs: the roles every table and function is tried as, and the
 * outcomes a request through PostgREST can have.
 */
import type { PostgrestError, SupabaseClient } from '@supabase/supabase-js';
import { expect } from 'vitest';
import type { World } from './world';

export const ACTORS = [
	'anon',
	'customer A',
	'customer B',
	'the cashier of X',
	'the manager of X',
	'the owner of X',
	'the owner of Y',
	'the service role'
] as const;
export type Actor = (typeof ACTORS)[number];

/** What a write through the API can come to. */
export type Write = 'allowed' | 'filtered' | 'no privilege' | 'refused by policy';

/** The same expectation for every role, to spread and then override per role. */
export function everyone<T>(outcome: T): Record<Actor, T> {
	return Object.fromEntries(ACTORS.map((actor) => [actor, outcome])) as Record<Actor, T>;
}

export function clientOf(world: World, actor: Actor): SupabaseClient {
	return {
		anon: world.anon,
		'customer A': world.a.client,
		'customer B': world.b.client,
		'the cashier of X': world.x.cashier.client,
		'the manager of X': world.x.manager.client,
		'the owner of X': world.x.owner.client,
		'the owner of Y': world.y.owner.client,
		'the service role': world.service
	}[actor];
}

/** The signed-in user behind a role, or null for anon and the service role. */
export function userOf(world: World, actor: Actor): string | null {
	return {
		anon: null,
		'customer A': world.a.id,
		'customer B': world.b.id,
		'the cashier of X': world.x.cashier.id,
		'the manager of X': world.x.manager.id,
		'the owner of X': world.x.owner.id,
		'the owner of Y': world.y.owner.id,
		'the service role': null
	}[actor];
}

/** Asserts a write's result: rows affected, or the error PostgREST answered with. */
export function expectWrite(
	result: { data: unknown[] | null; error: PostgrestError | null },
	outcome: Write
) {
	switch (outcome) {
		case 'allowed':
			expect(result.error).toBeNull();
			expect(result.data).toHaveLength(1);
			break;
		case 'filtered':
			expect(result.error).toBeNull();
			expect(result.data).toEqual([]);
			break;
		case 'no privilege':
			expect(result.error).toMatchObject({
				code: '42501',
				message: expect.stringMatching(/^permission denied for table/)
			});
			break;
		case 'refused by policy':
			expect(result.error).toMatchObject({
				code: '42501',
				message: expect.stringMatching(/violates row-level security policy/)
			});
			break;
	}
}

/** How a write outcome reads in a test name. */
export function phrase(outcome: Write, action: string): string {
	return {
		allowed: `may ${action}`,
		filtered: `cannot ${action}: no row is affected and it stays unchanged`,
		'no privilege': `cannot ${action}: the role has no privilege`,
		'refused by policy': `cannot ${action}: the policy refuses the row`
	}[outcome];
}
