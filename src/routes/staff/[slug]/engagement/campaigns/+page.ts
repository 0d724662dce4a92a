import { campaigns } from '$lib/campaigns/campaigns';
import { templates } from '$lib/campaigns/templates';
import type { PageLoad } from './$types';

export const load = (async ({ parent, depends }) => {
	depends('app:campaigns');
	const { club } = await parent();
	try {
		const [list, known] = await Promise.all([campaigns.list(club.id), templates.list(club.id)]);
		return { campaigns: list, templateKeys: [...new Set(known.map((t) => t.key))], failed: false };
	} catch {
		return { campaigns: [], templateKeys: [], failed: true };
	}
}) satisfies PageLoad;
