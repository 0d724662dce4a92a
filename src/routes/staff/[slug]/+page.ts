import { redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import { sectionsFor } from '$lib/staff/roles';
import type { PageLoad } from './$types';

// The club's admin home is its first section: the checkout for every role.
export const load = (async ({ parent, params }) => {
	const { club } = await parent();
	redirect(307, resolve('/staff/[slug]', { slug: params.slug }) + '/' + sectionsFor(club.role)[0]);
}) satisfies PageLoad;
