import { m } from '$lib/paraglide/messages';
import type { Section, StaffRole } from './roles';

/** A role in the current language. */
export function roleName(role: StaffRole): string {
	return {
		cashier: m.staff_role_cashier,
		manager: m.staff_role_manager,
		owner: m.staff_role_owner
	}[role]();
}

/** A section's name in the navigation, in the current language. */
export function sectionName(section: Section): string {
	return {
		checkout: m.staff_nav_checkout,
		members: m.staff_nav_members,
		rewards: m.staff_nav_rewards,
		tiers: m.staff_nav_tiers,
		rules: m.staff_nav_rules,
		engagement: m.staff_nav_engagement,
		analytics: m.staff_nav_analytics,
		import: m.staff_nav_import,
		staff: m.staff_nav_staff,
		poster: m.staff_nav_poster
	}[section]();
}
