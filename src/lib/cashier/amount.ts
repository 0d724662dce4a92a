import { toAsciiDigits } from '$lib/i18n/format';

/** The largest amount the ledger takes, in minor units. */
export const MAX_MINOR = 1_000_000_000_000_000;

/**
 * How the cashier types amounts of a currency: IRR in Toman (10 rials, as prices are spoken in
 * Iran, matching formatMoney), any other currency in its major unit with its usual decimals.
 */
export interface EntryUnit {
	/** Minor units per typed unit. */
	minorPerUnit: number;
	/** Decimals the cashier may type. */
	decimals: number;
}

export function entryUnit(currency: string): EntryUnit {
	if (currency === 'IRR') return { minorPerUnit: 10, decimals: 0 };
	let decimals = 2;
	try {
		decimals =
			new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
				.maximumFractionDigits ?? 2;
	} catch {
		// An unknown code: two decimals, as most currencies have.
	}
	return { minorPerUnit: 10 ** decimals, decimals };
}

/**
 * What the cashier typed, in any of Latin, Persian or Arabic digits with any grouping, as minor
 * units; null when it is not a positive amount the ledger can hold.
 */
export function parseAmount(text: string, currency: string): number | null {
	const unit = entryUnit(currency);
	const ascii = toAsciiDigits(text)
		.replace(/[\u200e\u200f\u061c\s,'’٬،_]/g, '')
		.replace(/٫/g, '.');
	const match = /^(\d+)(?:\.(\d*))?$/.exec(ascii);
	if (!match) return null;
	const fraction = match[2] ?? '';
	if (fraction.length > unit.decimals) return null;
	const whole = Number(match[1]);
	const minor =
		whole * unit.minorPerUnit +
		(unit.decimals ? Number(fraction.padEnd(unit.decimals, '0')) : 0) *
			(unit.minorPerUnit / 10 ** unit.decimals);
	if (!Number.isSafeInteger(minor) || minor <= 0 || minor > MAX_MINOR) return null;
	return minor;
}

/** A whole number typed in any digits (points), or null. */
export function parseCount(text: string): number | null {
	const ascii = toAsciiDigits(text).replace(/[\u200e\u200f\u061c\s,٬،]/g, '');
	if (!/^\d+$/.test(ascii)) return null;
	const value = Number(ascii);
	return Number.isSafeInteger(value) && value > 0 && value <= MAX_MINOR ? value : null;
}

/** The text after the pad's key: a digit or `000` is appended, `back` removes the last character. */
export function padPress(text: string, key: string): string {
	const ascii = toAsciiDigits(text);
	if (key === 'back') return ascii.slice(0, -1);
	if (key === 'clear') return '';
	if (!/^\d+$/.test(key)) return ascii;
	const next = ascii + key;
	// A leading zero adds nothing to a whole amount.
	return /^0+\d/.test(next) && !next.includes('.') ? next.replace(/^0+/, '') : next;
}

/** Redemption codes as typed, split on spaces or commas and upper-cased; null if one is malformed. */
export function parseCodes(text: string): string[] | null {
	const codes = text
		.toUpperCase()
		.split(/[\s,،]+/)
		.filter(Boolean);
	if (codes.some((code) => !/^[2-9A-HJKMNP-Z]{8}$/.test(code))) return null;
	return [...new Set(codes)];
}
