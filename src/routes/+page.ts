import { redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import type { PageLoad } from './$types';

export const load = (async ({ parent }) => {
	const { userId } = await parent();
	redirect(307, userId ? resolve('/card') : resolve('/sign-in'));
}) satisfies PageLoad;
