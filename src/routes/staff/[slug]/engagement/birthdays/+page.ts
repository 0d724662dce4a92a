import { birthdays } from '$lib/campaigns/birthdays';
import type { PageLoad } from './$types';

export const load = (async ({ parent, depends }) => {
	depends('app:birthdays');
	const { club } = await parent();
	try {
		return { grants: await birthdays.grants(club.id), failed: false };
	} catch {
		return { grants: [], failed: true };
	}
}) satisfies PageLoad;
