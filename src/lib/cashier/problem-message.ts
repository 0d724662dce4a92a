import { m } from '$lib/paraglide/messages';

/** What the cashier is told for each stable code of the checkout and the ledger. */
const MESSAGES: Record<string, () => string> = {
	network: m.cashier_error_network,
	VAFA_CARD_UNREADABLE: m.cashier_error_card_unreadable,
	VAFA_CARD_FORGED: m.cashier_error_card_forged,
	VAFA_CARD_EXPIRED: m.cashier_error_card_expired,
	VAFA_CARD_REPLAYED: m.cashier_error_card_replayed,
	VAFA_MEMBER_NOT_FOUND: m.cashier_error_member_not_found,
	VAFA_PHONE_INVALID: m.cashier_error_phone_invalid,
	VAFA_SCAN_EXPIRED: m.cashier_error_scan_expired,
	VAFA_FORBIDDEN: m.cashier_error_forbidden,
	VAFA_NOT_SIGNED_IN: m.cashier_error_not_signed_in,
	VAFA_INSUFFICIENT_POINTS: m.cashier_error_insufficient_points,
	VAFA_INSUFFICIENT_FUNDS: m.cashier_error_insufficient_funds,
	VAFA_INVALID_AMOUNT: m.cashier_error_invalid_amount,
	VAFA_INVALID_REQUEST: m.cashier_error_invalid_request,
	VAFA_REDEMPTION_NOT_FOUND: m.cashier_error_redemption_not_found,
	VAFA_REDEMPTION_NOT_YOURS: m.cashier_error_redemption_not_yours,
	VAFA_REDEMPTION_USED: m.cashier_error_redemption_used,
	VAFA_REDEMPTION_EXPIRED: m.cashier_error_redemption_expired,
	VAFA_REFUND_TOO_LARGE: m.cashier_error_refund_too_large,
	VAFA_PURCHASE_NOT_FOUND: m.cashier_error_purchase_not_found,
	VAFA_IDEMPOTENCY_KEY_REUSED: m.cashier_error_key_reused,
	VAFA_CHECKOUT_STALE: m.cashier_error_stale,
	VAFA_RULES_INVALID: m.cashier_error_rules_invalid,
	VAFA_PROGRAM_NOT_FOUND: m.cashier_error_program_not_found
};

/** A problem at the counter as a sentence the cashier can act on, in the current locale. */
export function cashierProblemMessage(problem: string): string {
	return (MESSAGES[problem] ?? m.cashier_error_unknown)();
}
