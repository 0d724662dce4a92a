import type { PageLoad } from './$types';

export const load = (async ({ parent, params, url }) => {
	const { userId } = await parent();
	return { userId, slug: params.slug, referralCode: url.searchParams.get('ref') };
}) satisfies PageLoad;
