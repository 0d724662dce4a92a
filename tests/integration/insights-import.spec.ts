/**
 * Importing members from CSV through the import screen's own code (`parseImport`, `runImport`): a
 * file of 10,000 rows with 3% bad rows imports the good ones, reports each bad one with its exact
 * line (a quoted name over two lines and a blank line included), and a second import of the same
 * file adds nothing. A batch that fails lands nothing at all, and the import resumes from it.
 */
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseImport, type Problem } from '../../src/lib/insights/csv';
import { runImport, sendBatches } from '../../src/lib/insights/import';
import { createWorld, type World } from './world';

let world: World;

const ROWS = 10_000;
/** Member numbers 700001 on are held by members made before the import. */
const TAKEN = 700_001;

/** The file, the bad lines it holds and why, and what the good rows add up to. */
function bigFile() {
	const base = randomInt(1_000_000, 8_000_000);
	const phone = (i: number) => `+98912${base + i}`;
	const lines = ['phone,name,birthday,member_number,points'];
	const bad: Problem[] = [];
	let points = 0;
	let taken = 0;
	let next = 2;
	const push = (text: string) => {
		lines.push(text);
		next += text.split('\n').length;
	};
	for (let i = 0; i < ROWS; i++) {
		if (i === 5000) push('');
		const at = next;
		if ([7, 42, 77].includes(i % 100)) {
			const kind = Math.floor(i / 100) % 6;
			const row = [
				[`not-a-phone-${i}`, 'Bad phone', '', '', ''],
				[phone(i), 'Bad birthday', '1990-02-30', '', ''],
				[phone(i - 1), 'Same phone as the row before', '', '', ''],
				[phone(i), 'Negative points', '', '', '-5'],
				[phone(i), 'x'.repeat(81), '', '', ''],
				[phone(i), 'A number another member holds', '', String(TAKEN + taken), '']
			][kind];
			const code = [
				'VAFA_PHONE_INVALID',
				'VAFA_INVALID_BIRTHDAY',
				'VAFA_DUPLICATE_ROW',
				'VAFA_INVALID_POINTS',
				'VAFA_NAME_TOO_LONG',
				'VAFA_MEMBER_NUMBER_TAKEN'
			][kind];
			if (kind === 5) taken++;
			push(row.join(','));
			bad.push({ line: at, code });
			continue;
		}
		const name = i === 10 ? '"Two\nlines"' : `Member ${i}`;
		const birthday = i % 3 === 0 ? '1370/05/12' : i % 3 === 1 ? '1991-08-03' : '';
		const opening = i % 10 === 0 ? 25 : 0;
		points += opening;
		push([phone(i), name, birthday, '', opening || ''].join(','));
	}
	return { text: lines.join('\n') + '\n', bad, good: ROWS - bad.length, points };
}

beforeAll(async () => {
	world = await createWorld();
	await world.db.query(
		`with u as (
		   insert into auth.users (instance_id, id, aud, role, phone, created_at, updated_at)
		   select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
		     '98936' || lpad((${randomInt(10_000, 90_000)} * 100 + g)::text, 7, '0'), now(), now()
		   from generate_series(0, 99) g returning id, phone)
		 insert into public.members (program_id, user_id, member_number)
		 select $1, u.id, ${TAKEN} - 1 + row_number() over (order by u.phone) from u`,
		[world.x.id]
	);
});

afterAll(() => world.end());

async function countMembers() {
	const { rows } = await world.db.query(
		`select count(*)::int as members,
		   (select coalesce(sum(balance), 0)::int from public.accounts where program_id = $1 and kind = 'points') as points
		 from public.members where program_id = $1`,
		[world.x.id]
	);
	return rows[0] as { members: number; points: number };
}

describe('a 10,000-row file with 3% bad rows', () => {
	const file = bigFile();

	it('is checked in the app with the exact line of each bad row it can see', () => {
		const parsed = parseImport(file.text, 'IR');
		if (!parsed.ok) throw new Error(parsed.code);
		expect(parsed.total).toBe(ROWS);
		const serverSide = file.bad.filter((p) => p.code === 'VAFA_MEMBER_NUMBER_TAKEN');
		expect(parsed.problems).toEqual(file.bad.filter((p) => !serverSide.includes(p)));
		expect(parsed.rows.find((r) => r.line === 12)).toMatchObject({
			name: 'Two\nlines',
			birthday: '1991-08-03'
		});
		expect(parsed.rows.find((r) => r.line === 14)).toMatchObject({ name: 'Member 11' });
		expect(parsed.rows[0]).toMatchObject({ line: 2, birthday: '1991-08-03' });
		expect(parsed.rows.find((r) => r.line === 5)).toMatchObject({ birthday: '1991-08-03' });
	});

	it('imports the good rows, reports the bad ones by line, then a second import adds nothing', async () => {
		const before = await countMembers();
		const parsed = parseImport(file.text, 'IR');
		if (!parsed.ok) throw new Error(parsed.code);
		const progress: number[] = [];
		const started = performance.now();
		const first = await runImport(world.x.manager.client, world.x.id, 'big.csv', parsed, (p) =>
			progress.push(p.done)
		);
		console.log(`10,000 rows imported in ${((performance.now() - started) / 1000).toFixed(1)} s`);
		expect(first).toMatchObject({ ok: true, created: file.good, existing: 0 });
		expect(first.problems).toEqual(file.bad);
		expect(progress).toEqual([
			...Array.from({ length: Math.ceil(parsed.rows.length / 1000) }, (_, k) => k * 1000),
			parsed.rows.length
		]);
		const after = await countMembers();
		expect(after).toEqual({
			members: before.members + file.good,
			points: before.points + file.points
		});

		const again = await runImport(world.x.manager.client, world.x.id, 'big.csv', parsed);
		expect(again).toMatchObject({ ok: true, created: 0, existing: file.good });
		expect(again.problems).toEqual(file.bad);
		expect(await countMembers()).toEqual(after);
		expect(await world.discrepancies()).toEqual([]);

		const { rows } = await world.db.query(
			`select rows_total, rows_created, rows_existing, rows_rejected, status from public.member_imports
			 where id = any($1) order by rows_created desc`,
			[[first.importId, again.importId]]
		);
		expect(rows).toEqual([
			{
				rows_total: ROWS,
				rows_created: file.good,
				rows_existing: 0,
				rows_rejected: 300,
				status: 'done'
			},
			{
				rows_total: ROWS,
				rows_created: 0,
				rows_existing: file.good,
				rows_rejected: 300,
				status: 'done'
			}
		]);
	});

	it('converts a Jalali birthday to its Gregorian date and credits the opening points with a reason', async () => {
		const parsed = parseImport(file.text, 'IR');
		if (!parsed.ok) throw new Error(parsed.code);
		const { rows } = await world.db.query(
			`select m.birthday::text, m.display_name, e.amount, e.reason_key
			 from public.members m join auth.users u on u.id = m.user_id
			 left join public.ledger_entries e on e.member_id = m.id
			 where m.program_id = $1 and u.phone = $2`,
			[world.x.id, parsed.rows[0].phone.slice(1)]
		);
		expect(rows).toEqual([
			{
				birthday: '1991-08-03',
				display_name: 'Member 0',
				amount: '25',
				reason_key: 'import.opening_balance'
			}
		]);
	});
});

describe('a batch that fails', () => {
	it('lands none of its rows, and the import resumes from it', async () => {
		const phone = `+98935${randomInt(1_000_000, 9_000_000)}`;
		const parsed = parseImport(`phone,name\n${phone},Resumed\n`, 'IR');
		if (!parsed.ok) throw new Error(parsed.code);
		const importId = (
			await world.db.query(`select public.begin_member_import($1, 'broken.csv', 2) as id`, [
				world.x.id
			])
		).rows[0].id;
		const broken = [...parsed.rows, { line: 3, phone: '+989350000000', points: 'lots' }];
		const failed = await sendBatches(
			world.x.manager.client,
			{ importId, done: 0, total: 2, created: 0, existing: 0, problems: [] },
			broken as never
		);
		expect(failed).toMatchObject({ ok: false, nextBatch: 0, done: 0 });
		const { rows } = await world.db.query(
			`select (select count(*)::int from auth.users where phone = $1) as users,
			   (select rows_created from public.member_imports where id = $2) as created`,
			[phone.slice(1), importId]
		);
		expect(rows).toEqual([{ users: 0, created: 0 }]);

		const resumed = await sendBatches(
			world.x.manager.client,
			{ importId, done: 0, total: 1, created: 0, existing: 0, problems: [] },
			parsed.rows,
			failed.ok ? 0 : failed.nextBatch
		);
		expect(resumed).toMatchObject({ ok: true, created: 1, done: 1 });
	});
});

describe('a file the check refuses as a whole', () => {
	it('says so when there is no phone column or no rows', () => {
		expect(parseImport('name,points\nA,1\n')).toEqual({
			ok: false,
			code: 'VAFA_IMPORT_NO_PHONE_COLUMN'
		});
		expect(parseImport('\uFEFF\n\n')).toEqual({ ok: false, code: 'VAFA_IMPORT_EMPTY' });
	});

	it('reads Persian headers, Persian digits and a local number', () => {
		const parsed = parseImport('موبایل,نام,امتیاز\n۰۹۱۲۱۲۳۴۵۶۷,سارا,۱۲۰\n', 'IR');
		expect(parsed).toMatchObject({
			ok: true,
			rows: [{ line: 2, phone: '+989121234567', name: 'سارا', points: 120 }]
		});
	});
});
