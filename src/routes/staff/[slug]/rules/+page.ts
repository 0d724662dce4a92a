import { adminRewards } from '$lib/admin/rewards';
import { adminRules, clubPeople } from '$lib/admin/rules';
import { adminTiers } from '$lib/admin/tiers';
import type { PageLoad } from './$types';

export const load = (async ({ parent, depends }) => {
	depends('app:admin-rules');
	const { club } = await parent();
	const [versions, tiers, rewards] = await Promise.all([
		adminRules.versions(club.id),
		adminTiers.list(club.id),
		adminRewards.list(club.id)
	]);
	const authors = versions.ok
		? [...new Set(versions.value.map((v) => v.createdBy).filter((id): id is string => !!id))]
		: [];
	const people = await clubPeople(club.id, authors);
	return { versions, tiers, rewards, people };
}) satisfies PageLoad;
