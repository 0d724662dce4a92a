import { redirect } from '@sveltejs/kit';
import type { PageLoad } from './$types';

export const load = (async ({ parent }) => {
	const { userId } = await parent();
	if (userId) redirect(307, '/card');
}) satisfies PageLoad;
