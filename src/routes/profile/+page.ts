import { redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import { cards } from '$lib/card/cards';
import type { PageLoad } from './$types';

export const load = (async ({ parent, depends }) => {
	depends('app:cards');
	const { userId } = await parent();
	if (!userId) redirect(307, resolve('/sign-in'));
	return { cached: await cards.cached(userId) };
}) satisfies PageLoad;
