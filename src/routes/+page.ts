import { redirect } from '@sveltejs/kit';
import type { PageLoad } from './$types';

export const load = (async ({ parent }) => {
	const { userId } = await parent();
	redirect(307, userId ? '/card' : '/sign-in');
}) satisfies PageLoad;
