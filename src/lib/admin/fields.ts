import { toAsciiDigits } from '$lib/i18n/format';

/** Why a typed value is refused; the screens say it in the current language. */
export type FieldProblem = 'required' | 'whole' | 'range' | 'decimal' | 'url' | 'order' | 'long';

/** A typed whole number (Persian, Arabic or Latin digits, group separators allowed); null when empty. */
export function parseWhole(text: string): number | null | 'invalid' {
	const clean = toAsciiDigits(text.trim()).replace(/[,٬،\s]/g, '');
	if (clean === '') return null;
	if (!/^\d{1,16}$/.test(clean)) return 'invalid';
	return Number(clean);
}

/** A typed decimal such as 1.25 (٫ and / accepted as the decimal mark); null when empty. */
export function parseDecimal(text: string): number | null | 'invalid' {
	const clean = toAsciiDigits(text.trim()).replace(/[٫/]/g, '.');
	if (clean === '') return null;
	if (!/^\d{1,3}(\.\d{1,2})?$/.test(clean)) return 'invalid';
	return Number(clean);
}

/** A whole number within [min, max]: the number, or the problem. */
export function wholeIn(
	text: string,
	min: number,
	max: number,
	required: boolean
): { value: number | null; problem?: FieldProblem } {
	const value = parseWhole(text);
	if (value === null) return required ? { value, problem: 'required' } : { value };
	if (value === 'invalid') return { value: null, problem: 'whole' };
	if (value < min || value > max) return { value: null, problem: 'range' };
	return { value };
}

/** An https (or http) address of an image, or null when empty. */
export function imageUrl(text: string): { value: string | null; problem?: FieldProblem } {
	const trimmed = text.trim();
	if (trimmed === '') return { value: null };
	try {
		const url = new URL(trimmed);
		if (url.protocol !== 'https:' && url.protocol !== 'http:')
			return { value: null, problem: 'url' };
		return { value: url.href };
	} catch {
		return { value: null, problem: 'url' };
	}
}
