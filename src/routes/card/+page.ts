import { redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import { cards } from '$lib/card/cards';
import type { PageLoad } from './$types';

export const load = (async ({ parent, depends }) => {
	depends('app:cards');
	const { userId } = await parent();
	if (!userId) redirect(307, resolve('/sign-in'));
	// Only the device's copy: the card draws from it at once, the screen asks the server after.
	const [cached, secrets] = await Promise.all([cards.cached(userId), cards.cachedSecrets(userId)]);
	return { userId, cached, secrets };
}) satisfies PageLoad;
