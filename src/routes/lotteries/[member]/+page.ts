import { redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import type { PageLoad } from './$types';

export const load = (async ({ parent, params }) => {
	const { userId } = await parent();
	if (!userId) redirect(307, resolve('/sign-in'));
	return { memberId: params.member };
}) satisfies PageLoad;
