/**
 * Members CSV files: reading an import (every row checked, each problem with its line number) and
 * writing an export (UTF-8 with a byte-order mark, so Excel shows Persian and Hebrew). Pure: no
 * Svelte, no `$lib`, so the integration tests run the same code the import screen runs.
 */
import {
	CalendarDate,
	GregorianCalendar,
	PersianCalendar,
	toCalendar
} from '@internationalized/date';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import Papa from 'papaparse';

/** The columns of an import, in the template's order; only `phone` is required. */
export const COLUMNS = ['phone', 'name', 'birthday', 'member_number', 'points'] as const;
export type Column = (typeof COLUMNS)[number];

/** Header names accepted for each column (compared trimmed and case-insensitively). */
const ALIASES: Record<Column, string[]> = {
	phone: ['phone', 'mobile', 'tel', 'موبایل', 'شماره موبایل', 'تلفن', 'טלפון', 'נייד'],
	name: ['name', 'display_name', 'نام', 'שם'],
	birthday: ['birthday', 'birth_date', 'تاریخ تولد', 'تولد', 'יום הולדת', 'תאריך לידה'],
	member_number: ['member_number', 'member', 'number', 'شماره عضویت', 'מספר חבר'],
	points: ['points', 'opening_points', 'امتیاز', 'נקודות']
};

/** Why a row was refused; the app words each code. */
export type ProblemCode =
	| 'VAFA_PHONE_MISSING'
	| 'VAFA_PHONE_INVALID'
	| 'VAFA_NAME_TOO_LONG'
	| 'VAFA_INVALID_BIRTHDAY'
	| 'VAFA_MEMBER_NUMBER_INVALID'
	| 'VAFA_INVALID_POINTS'
	| 'VAFA_DUPLICATE_ROW'
	| 'VAFA_MEMBER_NUMBER_TAKEN'
	| 'VAFA_IMPORT_ROW_INVALID';

export interface Problem {
	/** The line of the file the row starts on (the header is line 1). */
	line: number;
	code: ProblemCode | string;
}

/** A row ready to send: the phone in E.164, the birthday as an ISO Gregorian date. */
export interface ImportRow {
	line: number;
	phone: string;
	name?: string;
	birthday?: string;
	member_number?: number;
	points?: number;
}

export type Parsed =
	| { ok: true; rows: ImportRow[]; problems: Problem[]; total: number }
	| { ok: false; code: 'VAFA_IMPORT_EMPTY' | 'VAFA_IMPORT_NO_PHONE_COLUMN' };

const PERSIAN = '۰۱۲۳۴۵۶۷۸۹';
const ARABIC = '٠١٢٣٤٥٦٧٨٩';

/** Persian and Arabic-Indic digits as ASCII. */
export function asciiDigits(text: string): string {
	return text.replace(/[۰-۹٠-٩]/g, (d) => String(Math.max(PERSIAN.indexOf(d), ARABIC.indexOf(d))));
}

/** The club's country, for phones written without a country code (as the checkout reads them). */
export function clubCountry(club: {
	locale: string;
	settings?: Record<string, unknown>;
}): CountryCode | undefined {
	const set = club.settings?.country;
	if (typeof set === 'string' && /^[A-Z]{2}$/.test(set)) return set as CountryCode;
	return ({ fa: 'IR', he: 'IL' } as Record<string, CountryCode>)[club.locale];
}

/** A phone as people write it → E.164, or null. */
export function toE164(input: string, country?: CountryCode): string | null {
	const text = asciiDigits(input)
		.replace(/[\s\-().\u200c\u200e\u200f\u202a-\u202e]/g, '')
		.replace(/^00/, '+');
	if (!/^\+?\d{4,17}$/.test(text)) return null;
	const phone = parsePhoneNumberFromString(text, country);
	return phone?.isPossible() ? phone.number : null;
}

/**
 * A birthday as `YYYY-MM-DD` (or with `/`), in any digits. A year before 1700 is a Jalali (Persian
 * calendar) date, as Iranian records keep them. Returns the Gregorian ISO date, or null.
 */
export function toIsoBirthday(input: string, today = new Date()): string | null {
	const match = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(asciiDigits(input.trim()));
	if (!match) return null;
	const [year, month, day] = match.slice(1).map(Number);
	const jalali = year < 1700;
	const calendar = jalali ? new PersianCalendar() : new GregorianCalendar();
	const date = new CalendarDate(calendar, year, month, day);
	// CalendarDate clamps an impossible day or month; a date that moved was not a date.
	if (date.year !== year || date.month !== month || date.day !== day) return null;
	const gregorian = jalali ? toCalendar(date, new GregorianCalendar()) : date;
	const iso = gregorian.toString();
	if (iso < '1900-01-01' || iso > today.toISOString().slice(0, 10)) return null;
	return iso;
}

function columnOf(header: string): Column | null {
	const name = header
		.replace(/^\uFEFF/, '')
		.trim()
		.toLowerCase();
	return COLUMNS.find((c) => ALIASES[c].includes(name)) ?? null;
}

/** Reads an import file, checking every row; a later row repeating a phone or a number is refused. */
export function parseImport(text: string, country?: CountryCode, today = new Date()): Parsed {
	const source = text.replace(/^\uFEFF/, '');
	const records: { line: number; cells: string[] }[] = [];
	let line = 1;
	let pos = 0;
	Papa.parse<string[]>(source, {
		skipEmptyLines: 'greedy',
		step: (result) => {
			// The row starts at the first character after the previous row that is not a line break.
			while (pos < source.length && /[\r\n\t ]/.test(source[pos])) {
				if (source[pos] === '\n') line++;
				pos++;
			}
			records.push({ line, cells: result.data });
			const end = result.meta.cursor;
			for (; pos < end; pos++) if (source[pos] === '\n') line++;
		}
	});
	if (records.length === 0) return { ok: false, code: 'VAFA_IMPORT_EMPTY' };
	const [header, ...body] = records;
	const index = new Map<Column, number>();
	header.cells.forEach((cell, i) => {
		const column = columnOf(cell);
		if (column && !index.has(column)) index.set(column, i);
	});
	if (!index.has('phone')) return { ok: false, code: 'VAFA_IMPORT_NO_PHONE_COLUMN' };

	const rows: ImportRow[] = [];
	const problems: Problem[] = [];
	const phones = new Set<string>();
	const numbers = new Set<number>();
	for (const { line: at, cells } of body) {
		const cell = (column: Column) => {
			const i = index.get(column);
			return i === undefined ? '' : (cells[i] ?? '').trim();
		};
		const refuse = (code: ProblemCode) => problems.push({ line: at, code });
		const phoneText = cell('phone');
		if (!phoneText) {
			refuse('VAFA_PHONE_MISSING');
			continue;
		}
		const phone = toE164(phoneText, country);
		if (!phone) {
			refuse('VAFA_PHONE_INVALID');
			continue;
		}
		const row: ImportRow = { line: at, phone };
		const name = cell('name');
		if (name.length > 80) {
			refuse('VAFA_NAME_TOO_LONG');
			continue;
		}
		if (name) row.name = name;
		const birthday = cell('birthday');
		if (birthday) {
			const iso = toIsoBirthday(birthday, today);
			if (!iso) {
				refuse('VAFA_INVALID_BIRTHDAY');
				continue;
			}
			row.birthday = iso;
		}
		const number = asciiDigits(cell('member_number'));
		if (number) {
			if (!/^[1-9]\d{0,11}$/.test(number)) {
				refuse('VAFA_MEMBER_NUMBER_INVALID');
				continue;
			}
			row.member_number = Number(number);
		}
		const points = asciiDigits(cell('points')).replace(/[,٬]/g, '');
		if (points) {
			if (!/^\d{1,10}$/.test(points) || Number(points) > 1_000_000_000) {
				refuse('VAFA_INVALID_POINTS');
				continue;
			}
			if (Number(points) > 0) row.points = Number(points);
		}
		if (phones.has(phone) || (row.member_number && numbers.has(row.member_number))) {
			refuse('VAFA_DUPLICATE_ROW');
			continue;
		}
		phones.add(phone);
		if (row.member_number) numbers.add(row.member_number);
		rows.push(row);
	}
	return { ok: true, rows, problems, total: body.length };
}

/** The template offered for download: the header and two example rows. */
export function importTemplate(): string {
	return (
		'\uFEFF' +
		Papa.unparse([
			[...COLUMNS],
			['+989121234567', 'سارا احمدی', '1370-05-12', '', '250'],
			['09351234567', 'Dana Levi', '1990-02-28', '2001', '']
		]) +
		'\r\n'
	);
}

/** A member as the export writes it. */
export interface ExportMember {
	member_number: number;
	display_name: string | null;
	phone: string | null;
	birthday: string | null;
	joined_at: string;
	last_activity_at: string;
	visit_count: number;
	tier: { name: string } | null;
	points: number;
	wallet: number;
}

/** The export's header: the import's columns first, so an export can be imported elsewhere. */
export const EXPORT_COLUMNS = [
	'phone',
	'name',
	'birthday',
	'member_number',
	'points',
	'wallet',
	'tier',
	'visits',
	'joined_at',
	'last_activity_at'
] as const;

/** One CSV chunk of members; the first chunk carries the byte-order mark and the header. */
export function exportCsv(members: ExportMember[], first: boolean): string {
	const rows = members.map((m) => [
		m.phone ?? '',
		m.display_name ?? '',
		m.birthday ?? '',
		String(m.member_number),
		String(m.points),
		String(m.wallet),
		m.tier?.name ?? '',
		String(m.visit_count),
		m.joined_at,
		m.last_activity_at
	]);
	const body = Papa.unparse(first ? [[...EXPORT_COLUMNS], ...rows] : rows);
	return (first ? '\uFEFF' : '') + (body ? body + '\r\n' : '');
}
