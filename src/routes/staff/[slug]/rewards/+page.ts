import { adminRewards } from '$lib/admin/rewards';
import { adminTiers } from '$lib/admin/tiers';
import type { PageLoad } from './$types';

export const load = (async ({ parent, depends }) => {
	depends('app:admin-rewards');
	const { club } = await parent();
	const [rewards, tiers] = await Promise.all([
		adminRewards.list(club.id),
		adminTiers.list(club.id)
	]);
	return { rewards, tiers };
}) satisfies PageLoad;
