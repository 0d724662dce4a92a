import { describe, expect, it } from 'vitest';
import { atLeast, canOpen, isStaffRole, sectionOf, sectionsFor } from './roles';

describe('staff roles', () => {
	it('orders cashier < manager < owner', () => {
		expect(atLeast('owner', 'manager')).toBe(true);
		expect(atLeast('manager', 'manager')).toBe(true);
		expect(atLeast('cashier', 'manager')).toBe(false);
	});

	it('gives a cashier the checkout only', () => {
		expect(sectionsFor('cashier')).toEqual(['checkout']);
		expect(canOpen('cashier', 'rules')).toBe(false);
	});

	it('keeps staff management for owners', () => {
		expect(sectionsFor('manager')).not.toContain('staff');
		expect(sectionsFor('owner')).toContain('staff');
		expect(sectionsFor('manager')).toContain('rules');
	});

	it('recognises roles and sections', () => {
		expect(isStaffRole('manager')).toBe(true);
		expect(isStaffRole('admin')).toBe(false);
		expect(sectionOf('/staff/[slug]/rewards/[id]')).toBe('rewards');
		expect(sectionOf('/staff/[slug]')).toBeNull();
		expect(sectionOf('/card')).toBeNull();
		expect(sectionOf('/staff/[slug]/unknown')).toBeNull();
	});
});
