import { outbox, templates } from '$lib/campaigns/templates';
import type { PageLoad } from './$types';

export const load = (async ({ parent, depends }) => {
	depends('app:messages');
	const { club } = await parent();
	try {
		const [list, deliveries] = await Promise.all([templates.list(club.id), outbox.list(club.id)]);
		return { templates: list, deliveries, failed: false };
	} catch {
		return { templates: [], deliveries: [], failed: true };
	}
}) satisfies PageLoad;
