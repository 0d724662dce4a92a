import { deepStrictEqual, strictEqual } from 'node:assert/strict';
import { localDate, localTime } from './calendar.ts';
import { evaluate } from './engine.ts';
import type { EvaluationInput } from './engine.ts';
import { input, rules } from './fixtures.ts';

type Club = EvaluationInput['club'];

const nowruz = rules({
	campaigns: [
		{ id: 'nowruz-1406', name: 'Nowruz', from: '2027-03-21', to: '2027-04-02', multiplier: 2 }
	]
});

/** Whether a campaign line was earned at `at` in the given club. */
function campaignAt(at: string, ruleSet = nowruz, club = {}): boolean {
	return evaluate(input({ at, rules: ruleSet, club })).lines.some(
		(line) => line.reason_key === 'rule.campaign'
	);
}

Deno.test('the Nowruz ISO range is 1–13 Farvardin 1406 in Tehran', () => {
	deepStrictEqual(localDate(new Date('2027-03-20T20:30:00Z'), 'Asia/Tehran', 'jalali'), {
		year: 1406,
		month: 1,
		day: 1
	});
	deepStrictEqual(localDate(new Date('2027-04-02T20:29:00Z'), 'Asia/Tehran', 'jalali'), {
		year: 1406,
		month: 1,
		day: 13
	});
});

const nowruzWindow: [string, string, boolean][] = [
	['23:59 Tehran on the eve of Nowruz is not yet Nowruz', '2027-03-20T20:29:00Z', false],
	[
		'midnight Tehran starts Nowruz while UTC is still on the day before',
		'2027-03-20T20:30:00Z',
		true
	],
	['23:30 UTC on the day before is already Nowruz in Tehran', '2027-03-20T23:30:00Z', true],
	['the last minute of 13 Farvardin is still Nowruz', '2027-04-02T20:29:00Z', true],
	['14 Farvardin in Tehran is over, though UTC is still on 2 April', '2027-04-02T20:30:00Z', false]
];
for (const [name, at, inside] of nowruzWindow) {
	Deno.test(`campaign dates: ${name}`, () => strictEqual(campaignAt(at), inside));
}

const jerusalem = { timezone: 'Asia/Jerusalem', locale: 'he' as const };
const fridayEvening = rules({
	campaigns: [
		{ id: 'friday-evening', weekdays: ['fri'], hours: { from: '17:00', to: '19:00' }, bonus: 20 }
	]
});
const fallBackNight = rules({
	campaigns: [
		{ id: 'night-owl', weekdays: ['sun'], hours: { from: '01:00', to: '02:00' }, bonus: 5 }
	]
});
const springForwardHour = rules({
	campaigns: [{ id: 'lost-hour', hours: { from: '02:00', to: '03:00' }, bonus: 5 }]
});

const dst: [string, string, boolean, typeof fridayEvening][] = [
	[
		'a week before the March switch, 17:00 IST is 15:00 UTC',
		'2027-03-19T15:00:00Z',
		true,
		fridayEvening
	],
	[
		'a week before the March switch, 19:00 IST is outside',
		'2027-03-19T17:00:00Z',
		false,
		fridayEvening
	],
	[
		'on the March switch Friday, 14:30 UTC is already 17:30 IDT',
		'2027-03-26T14:30:00Z',
		true,
		fridayEvening
	],
	[
		'on the March switch Friday, 16:59 IDT is before the hours',
		'2027-03-26T13:59:00Z',
		false,
		fridayEvening
	],
	['on the March switch Friday, 18:59 IDT is inside', '2027-03-26T15:59:00Z', true, fridayEvening],
	[
		'on the March switch Friday, 16:30 UTC is 19:30 IDT, outside',
		'2027-03-26T16:30:00Z',
		false,
		fridayEvening
	],
	[
		'the hour skipped at 02:00 on the March switch never runs (before)',
		'2027-03-25T23:59:00Z',
		false,
		springForwardHour
	],
	[
		'the hour skipped at 02:00 on the March switch never runs (after)',
		'2027-03-26T00:00:00Z',
		false,
		springForwardHour
	],
	[
		'on the last summer-time Friday before the October switch, 14:00 UTC is 17:00',
		'2027-10-29T14:00:00Z',
		true,
		fridayEvening
	],
	[
		'on the last summer-time Friday, 16:00 UTC is 19:00, outside',
		'2027-10-29T16:00:00Z',
		false,
		fridayEvening
	],
	[
		'on the first winter Friday after the October switch, 14:30 UTC is 16:30, outside',
		'2027-11-05T14:30:00Z',
		false,
		fridayEvening
	],
	[
		'on the first winter Friday, 16:30 UTC is 18:30, inside',
		'2027-11-05T16:30:00Z',
		true,
		fridayEvening
	],
	[
		'the October switch repeats 01:00–02:00: the first 01:30 counts',
		'2027-10-30T22:30:00Z',
		true,
		fallBackNight
	],
	[
		'the October switch repeats 01:00–02:00: the second 01:30 counts',
		'2027-10-30T23:30:00Z',
		true,
		fallBackNight
	],
	['after the repeated hour, 02:30 is outside', '2027-10-31T00:30:00Z', false, fallBackNight],
	['00:59 on the switch night is outside', '2027-10-30T21:59:00Z', false, fallBackNight]
];
for (const [name, at, inside, ruleSet] of dst) {
	Deno.test(`campaign hours in Asia/Jerusalem: ${name}`, () =>
		strictEqual(campaignAt(at, ruleSet, jerusalem), inside)
	);
}

Deno.test('the local clock follows Israeli summer time across the October switch', () => {
	deepStrictEqual(localTime(new Date('2027-10-30T22:30:00Z'), 'Asia/Jerusalem'), {
		isoDate: '2027-10-31',
		weekday: 'sun',
		minutes: 90
	});
	deepStrictEqual(localTime(new Date('2027-10-30T23:30:00Z'), 'Asia/Jerusalem'), {
		isoDate: '2027-10-31',
		weekday: 'sun',
		minutes: 90
	});
});

const lateNight = rules({
	campaigns: [{ id: 'late', hours: { from: '22:00', to: '02:00' }, bonus: 3 }]
});
const wrap: [string, string, boolean][] = [
	['23:00 local is inside 22:00–02:00', '2027-06-15T19:30:00Z', true],
	['01:00 local is inside 22:00–02:00', '2027-06-15T21:30:00Z', true],
	['03:00 local is outside 22:00–02:00', '2027-06-15T23:30:00Z', false],
	['02:00 local is the exclusive end', '2027-06-15T22:30:00Z', false]
];
for (const [name, at, inside] of wrap) {
	Deno.test(`hours past midnight in Tehran: ${name}`, () =>
		strictEqual(campaignAt(at, lateNight), inside)
	);
}

const fa: Club = { timezone: 'Asia/Tehran', locale: 'fa' };
const he: Club = { timezone: 'Asia/Jerusalem', locale: 'he' };
const en: Club = { timezone: 'Asia/Jerusalem', locale: 'en' };

const birthdays: [string, 'day' | 'week' | 'month', string, string, Club, boolean][] = [
	// Born 1 March 2000 = 11 Esfand 1378: the Jalali anniversary in 2027 is 2 March.
	['a fa club celebrates the Jalali day', 'day', '2000-03-01', '2027-03-02T08:00:00Z', fa, true],
	[
		'a fa club does not celebrate the Gregorian day',
		'day',
		'2000-03-01',
		'2027-03-01T08:00:00Z',
		fa,
		false
	],
	[
		'an he club celebrates the Gregorian day',
		'day',
		'2000-03-01',
		'2027-03-01T08:00:00Z',
		he,
		true
	],
	[
		'an he club does not celebrate the day after',
		'day',
		'2000-03-01',
		'2027-03-02T08:00:00Z',
		he,
		false
	],
	[
		'the day is the local day: 00:30 in Jerusalem while UTC is the day before',
		'day',
		'1990-06-15',
		'2027-06-14T21:30:00Z',
		en,
		true
	],
	[
		'the day is the local day: 23:30 in Jerusalem on the eve is not yet',
		'day',
		'1990-06-15',
		'2027-06-14T20:30:00Z',
		en,
		false
	],
	[
		'29 February is kept on 28 February in a common year',
		'day',
		'2000-02-29',
		'2027-02-28T08:00:00Z',
		en,
		true
	],
	['29 February is not moved to 1 March', 'day', '2000-02-29', '2027-03-01T08:00:00Z', en, false],
	['29 February is itself in a leap year', 'day', '2000-02-29', '2028-02-29T08:00:00Z', en, true],
	[
		'28 February is not a 29 February birthday in a leap year',
		'day',
		'2000-02-29',
		'2028-02-28T08:00:00Z',
		en,
		false
	],
	// Born 20 March 1992 = 30 Esfand 1370; 1405 has no 30 Esfand, so 29 Esfand (20 March 2027).
	[
		'30 Esfand is kept on 29 Esfand in a common Jalali year',
		'day',
		'1992-03-20',
		'2027-03-20T08:00:00Z',
		fa,
		true
	],
	['30 Esfand is not moved to Nowruz', 'day', '1992-03-20', '2027-03-21T08:00:00Z', fa, false],
	['the week opens three days before', 'week', '1990-06-15', '2027-06-12T08:00:00Z', en, true],
	['the week closes three days after', 'week', '1990-06-15', '2027-06-18T08:00:00Z', en, true],
	['four days before is outside the week', 'week', '1990-06-15', '2027-06-11T08:00:00Z', en, false],
	['four days after is outside the week', 'week', '1990-06-15', '2027-06-19T08:00:00Z', en, false],
	['the week reaches across New Year', 'week', '1990-01-01', '2027-12-30T08:00:00Z', en, true],
	// Born 22 March 1990 = 2 Farvardin 1369; 29 Esfand 1405 is three days before it.
	[
		'the Jalali week reaches back across Nowruz',
		'week',
		'1990-03-22',
		'2027-03-20T08:00:00Z',
		fa,
		true
	],
	// Born 10 April 1990 = 21 Farvardin 1369.
	[
		'a fa club uses the Jalali month: Farvardin runs into late March',
		'month',
		'1990-04-10',
		'2027-03-25T08:00:00Z',
		fa,
		true
	],
	[
		'a fa club uses the Jalali month: 25 April is Ordibehesht',
		'month',
		'1990-04-10',
		'2027-04-25T08:00:00Z',
		fa,
		false
	],
	[
		'an he club uses the Gregorian month: late March is not April',
		'month',
		'1990-04-10',
		'2027-03-25T08:00:00Z',
		he,
		false
	],
	[
		'an he club uses the Gregorian month: 25 April is April',
		'month',
		'1990-04-10',
		'2027-04-25T08:00:00Z',
		he,
		true
	]
];
for (const [name, window, birthday, at, club, bonus] of birthdays) {
	Deno.test(`birthday ${window}: ${name}`, () => {
		const evaluation = evaluate(
			input({ at, club, member: { birthday }, rules: rules({ birthday: { points: 100, window } }) })
		);
		const line = evaluation.lines.find((l) => l.reason_key === 'rule.birthday');
		strictEqual(line?.points, bonus ? 100 : undefined);
		if (line)
			strictEqual(line.reason_params.calendar, club.locale === 'fa' ? 'jalali' : 'gregorian');
	});
}

const once: [string, string | null, boolean][] = [
	['a member without a birthday bonus yet gets it', null, true],
	['a bonus earlier in the same birthday month is not paid twice', '2027-03-22T08:00:00Z', false],
	['last year’s birthday bonus does not block this year’s', '2026-03-25T08:00:00Z', true]
];
for (const [name, birthdayBonusAt, bonus] of once) {
	Deno.test(`birthday once per year: ${name}`, () => {
		const evaluation = evaluate(
			input({
				at: '2027-03-25T08:00:00Z',
				club: fa,
				member: { birthday: '1990-04-10', birthdayBonusAt },
				rules: rules({ birthday: { points: 100, window: 'month' } })
			})
		);
		strictEqual(
			evaluation.lines.some((l) => l.reason_key === 'rule.birthday'),
			bonus
		);
	});
}

Deno.test('a member without a birthday gets no birthday bonus', () => {
	const evaluation = evaluate(
		input({
			member: { birthday: null },
			rules: rules({ birthday: { points: 100, window: 'month' } })
		})
	);
	strictEqual(evaluation.total, 10);
});
