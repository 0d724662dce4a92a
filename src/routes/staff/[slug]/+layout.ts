import { error, redirect } from '@sveltejs/kit';
import { signInFor } from '$lib/auth/next';
import { staffClub } from '$lib/staff/clubs';
import type { LayoutLoad } from './$types';

export const load = (async ({ parent, params, url, depends }) => {
	depends('app:staff');
	const { userId } = await parent();
	if (!userId) redirect(307, signInFor(url.pathname + url.search));
	const club = await staffClub(userId, params.slug);
	// Not on this club's staff (or no such club): the same answer, so slugs cannot be probed.
	if (!club) error(403, 'not-staff');
	return { club };
}) satisfies LayoutLoad;
