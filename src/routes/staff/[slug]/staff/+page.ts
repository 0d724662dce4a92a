import { clubPeople } from '$lib/admin/rules';
import { adminStaff } from '$lib/admin/staff';
import type { PageLoad } from './$types';

export const load = (async ({ parent, depends }) => {
	depends('app:admin-staff');
	const { club } = await parent();
	const [invitations, audit] = await Promise.all([
		adminStaff.invitations(club.id),
		adminStaff.audit(club.id)
	]);
	const actors = audit.ok
		? [...new Set(audit.value.map((e) => e.actor).filter((id): id is string => !!id))]
		: [];
	const people = await clubPeople(club.id, actors);
	return { invitations, audit, people };
}) satisfies PageLoad;
