import type { AuditEntry } from '$lib/admin/staff';
import { formatNumber } from '$lib/i18n/format';
import { m } from '$lib/paraglide/messages';
import type { Locale } from '$lib/paraglide/runtime';
import { roleName } from '$lib/staff/names';
import { isStaffRole } from '$lib/staff/roles';

const text = (value: unknown) => (typeof value === 'string' ? value : '');
const role = (value: unknown) => (isStaffRole(value) ? roleName(value) : text(value));

/** What an audit-log entry records, in words. */
export function auditText(entry: AuditEntry, locale: Locale): string {
	const d = entry.details;
	const name = text(d.name);
	switch (`${entry.targetTable}:${entry.action}`) {
		case 'rewards:insert':
			return m.admin_audit_reward_created({ name });
		case 'rewards:update':
			return d.active === false
				? m.admin_audit_reward_deactivated({ name })
				: m.admin_audit_reward_edited({ name });
		case 'rewards:delete':
			return m.admin_audit_reward_deleted({ name });
		case 'tiers:insert':
		case 'tiers:update':
		case 'tiers:delete':
			return m.admin_audit_tier_changed({ name });
		case 'earning_rules:insert':
			return m.admin_audit_rules_published({
				version: typeof d.version === 'number' ? formatNumber(d.version, locale) : ''
			});
	}
	switch (entry.action) {
		case 'staff.invite':
			return m.admin_audit_staff_invited({ phone: text(d.phone), role: role(d.role) });
		case 'staff.invite.revoke':
			return m.admin_audit_staff_invite_revoked({ phone: text(d.phone) });
		case 'staff.add':
		case 'staff.join':
			return m.admin_audit_staff_added({ phone: text(d.phone), role: role(d.role) });
		case 'staff.role':
			return m.admin_audit_staff_role({ from: role(d.from), to: role(d.to) });
		case 'staff.remove':
			return m.admin_audit_staff_removed({ role: role(d.role) });
		case 'pos_key.create':
			return m.admin_audit_pos_key_created({ name });
		case 'pos_key.revoke':
			return m.admin_audit_pos_key_revoked({ name });
		case 'redemption.use':
			return m.admin_audit_redemption_used();
		case 'purchase.refund':
			return m.admin_audit_refund();
		case 'wallet.topup':
		case 'wallet.spend':
		case 'pay.with.points':
			return m.admin_audit_counter();
		case 'ledger.adjust':
		case 'ledger.adjust.requested':
		case 'ledger.adjust.rejected':
			return m.admin_audit_adjustment();
	}
	return entry.action;
}
