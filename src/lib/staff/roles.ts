/**
 * What each staff role may open in the admin view. The UI hides what a role may not do; row-level
 * security and the SQL functions refuse it underneath (the same order: cashier < manager < owner).
 */
export type StaffRole = 'cashier' | 'manager' | 'owner';

export const ROLE_ORDER: readonly StaffRole[] = ['cashier', 'manager', 'owner'];

/** The sections of the admin view, in the order of its navigation. */
export const SECTIONS = [
	'checkout',
	'members',
	'rewards',
	'tiers',
	'rules',
	'engagement',
	'analytics',
	'import',
	'staff',
	'poster'
] as const;
export type Section = (typeof SECTIONS)[number];

const MIN_ROLE: Record<Section, StaffRole> = {
	checkout: 'cashier',
	members: 'manager',
	rewards: 'manager',
	tiers: 'manager',
	rules: 'manager',
	engagement: 'manager',
	analytics: 'manager',
	import: 'manager',
	staff: 'owner',
	poster: 'manager'
};

export function isStaffRole(value: unknown): value is StaffRole {
	return typeof value === 'string' && (ROLE_ORDER as readonly string[]).includes(value);
}

/** True when `role` is `min` or above it. */
export function atLeast(role: StaffRole, min: StaffRole): boolean {
	return ROLE_ORDER.indexOf(role) >= ROLE_ORDER.indexOf(min);
}

export function canOpen(role: StaffRole, section: Section): boolean {
	return atLeast(role, MIN_ROLE[section]);
}

/** The sections a role sees in the navigation. */
export function sectionsFor(role: StaffRole): Section[] {
	return SECTIONS.filter((s) => canOpen(role, s));
}

/** The section a route id belongs to (`/staff/[slug]/rewards/[id]` → `rewards`), or null. */
export function sectionOf(routeId: string | null): Section | null {
	const match = /^\/staff\/\[slug\]\/([^/]+)/.exec(routeId ?? '');
	const name = match?.[1];
	return name && (SECTIONS as readonly string[]).includes(name) ? (name as Section) : null;
}
