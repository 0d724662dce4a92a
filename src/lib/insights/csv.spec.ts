import { describe, expect, it } from 'vitest';
import { exportCsv, importTemplate, parseImport, toE164, toIsoBirthday } from './csv';

describe('toE164', () => {
	it('reads a number as dialled in the club’s country, in any digits', () => {
		expect(toE164('0912 123 4567', 'IR')).toBe('+989121234567');
		expect(toE164('۰۹۱۲۱۲۳۴۵۶۷', 'IR')).toBe('+989121234567');
		expect(toE164('052-123-4567', 'IL')).toBe('+972521234567');
		expect(toE164('00989121234567')).toBe('+989121234567');
	});

	it('refuses what is not a phone number', () => {
		expect(toE164('0912-not-a-number', 'IR')).toBeNull();
		expect(toE164('12', 'IR')).toBeNull();
	});
});

describe('toIsoBirthday', () => {
	const today = new Date('2026-11-23T00:00:00Z');

	it('reads Gregorian dates and Jalali ones (a year before 1700)', () => {
		expect(toIsoBirthday('1991-08-03', today)).toBe('1991-08-03');
		expect(toIsoBirthday('1370/05/12', today)).toBe('1991-08-03');
		expect(toIsoBirthday('۱۳۷۰/۰۵/۱۲', today)).toBe('1991-08-03');
	});

	it('refuses impossible and future dates', () => {
		expect(toIsoBirthday('1990-02-30', today)).toBeNull();
		expect(toIsoBirthday('1403/12/31', today)).toBeNull();
		expect(toIsoBirthday('2030-01-01', today)).toBeNull();
		expect(toIsoBirthday('03/08/1991', today)).toBeNull();
	});
});

describe('parseImport', () => {
	it('gives each row the line it starts on, across CRLF, blank lines and quoted line breaks', () => {
		const text = 'phone,name\r\n09121111111,"A\r\nB"\r\n\r\n09121111112,C\r\nbad,D\r\n';
		const parsed = parseImport(text, 'IR');
		expect(parsed).toEqual({
			ok: true,
			total: 3,
			rows: [
				{ line: 2, phone: '+989121111111', name: 'A\r\nB' },
				{ line: 5, phone: '+989121111112', name: 'C' }
			],
			problems: [{ line: 6, code: 'VAFA_PHONE_INVALID' }]
		});
	});

	it('reads its own template and refuses a repeated phone', () => {
		const parsed = parseImport(importTemplate() + '+989121234567,again,,,\n', 'IR');
		expect(parsed).toMatchObject({
			ok: true,
			rows: [
				{ line: 2, phone: '+989121234567', points: 250, birthday: '1991-08-03' },
				{ line: 3, phone: '+989351234567', member_number: 2001, birthday: '1990-02-28' }
			],
			problems: [{ line: 4, code: 'VAFA_DUPLICATE_ROW' }]
		});
	});
});

describe('exportCsv', () => {
	it('starts with a byte-order mark and the header, and quotes what needs quoting', () => {
		const csv = exportCsv(
			[
				{
					member_number: 7,
					display_name: 'سارا, "S"',
					phone: '+989121234567',
					birthday: null,
					joined_at: '2026-01-01T00:00:00Z',
					last_activity_at: '2026-02-01T00:00:00Z',
					visit_count: 3,
					tier: { name: 'طلایی' },
					points: 10,
					wallet: 0
				}
			],
			true
		);
		expect(csv).toBe(
			'\uFEFFphone,name,birthday,member_number,points,wallet,tier,visits,joined_at,last_activity_at\r\n' +
				'+989121234567,"سارا, ""S""",,7,10,0,طلایی,3,2026-01-01T00:00:00Z,2026-02-01T00:00:00Z\r\n'
		);
		expect(exportCsv([], false)).toBe('');
	});
});
