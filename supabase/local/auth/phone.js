/** Local stack only: phone numbers as users type them (Persian or Arabic digits, spaces, dashes) to GoTrue's stored form. */
import { isPossiblePhoneNumber } from 'libphonenumber-js';
import { badRequest } from './errors.js';

// Persian (U+06F0) and Arabic-Indic (U+0660) digits are what phone keyboards in fa/ar locales type.
const NON_ASCII_DIGITS = /[\u06f0-\u06f9\u0660-\u0669]/g;
// Separators people paste, including the bidi marks that RTL text fields insert invisibly.
const SEPARATORS = /[+\s\-\u2010-\u2015\u2212().\u200c-\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Maps Persian and Arabic-Indic digits to ASCII. */
export function asciiDigits(text) {
	return text.replace(NON_ASCII_DIGITS, (d) => String(d.charCodeAt(0) & 0xf));
}

/** Strips digits and separators down to the bare digits GoTrue stores (no '+'); no validation. */
export function stripPhone(input) {
	return asciiDigits(String(input ?? '')).replace(SEPARATORS, '');
}

/** Normalises and validates a phone number to E.164 digits without '+', or throws 400 validation_failed. */
export function normalisePhone(input) {
	if (typeof input !== 'string' || input.trim() === '') {
		throw badRequest(
			'validation_failed',
			'Invalid phone number format (E.164 required): the number is empty'
		);
	}
	const digits = stripPhone(input);
	if (!/^[1-9][0-9]{1,14}$/.test(digits)) {
		const hint = /^0/.test(digits)
			? 'start with the country code, e.g. +98 912 000 0001, not 0'
			: 'use digits only, 2 to 15 of them, after an optional +';
		throw badRequest('validation_failed', `Invalid phone number format (E.164 required): ${hint}`);
	}
	if (!isPossiblePhoneNumber(`+${digits}`)) {
		throw badRequest(
			'validation_failed',
			`Invalid phone number format (E.164 required): +${digits} is not a possible number for its country code`
		);
	}
	return digits;
}
