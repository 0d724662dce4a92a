import { adminTiers } from '$lib/admin/tiers';
import type { PageLoad } from './$types';

export const load = (async ({ parent, depends }) => {
	depends('app:admin-tiers');
	const { club } = await parent();
	return { tiers: await adminTiers.list(club.id) };
}) satisfies PageLoad;
