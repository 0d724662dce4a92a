import { redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import { signInFor } from '$lib/auth/next';
import { myStaffClubs } from '$lib/staff/clubs';
import type { PageLoad } from './$types';

export const load = (async ({ parent }) => {
	const { userId } = await parent();
	if (!userId) redirect(307, signInFor('/staff'));
	const clubs = await myStaffClubs(userId);
	// Most staff work for one club: take them straight to it.
	if (clubs.length === 1) redirect(307, resolve('/staff/[slug]', { slug: clubs[0].slug }));
	return { clubs };
}) satisfies PageLoad;
