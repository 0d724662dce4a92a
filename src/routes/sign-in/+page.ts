import { redirect } from '@sveltejs/kit';
import { safeNext } from '$lib/auth/next';
import type { PageLoad } from './$types';

export const load = (async ({ parent, url }) => {
	const { userId } = await parent();
	// A page that needed a signed-in user sends it here with ?next=; only same-origin paths count.
	const next = safeNext(url.searchParams.get('next'));
	if (userId) redirect(307, next);
	return { next };
}) satisfies PageLoad;
