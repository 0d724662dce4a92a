/**
 * The CSV import of 10,000 members end to end through the real stack (issue 6): the import
 * screen's own code (`src/lib/insights/csv.ts` reads and checks the file, `import.ts` sends it in
 * batches through supabase-js → gateway → PostgREST → `import_members`), signed in as a manager,
 * into a fresh club each round with new phones (so every row creates its auth user and member) and
 * 3% bad rows. Then the same file again (every row found, nothing added). Target: < 10 s.
 * The same rounds time a trivial RPC per batch, so the share of the stack's own cost is visible.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@supabase/supabase-js';
import pg from 'pg';
import { createServer } from 'vite';
import ws from 'ws';
import { startStack } from '../../supabase/local/stack.js';
import { median } from './load.js';

const PORT = Number(process.env.VAFA_BENCH_PORT ?? 58621);
const ROWS = 10_000;
const ROUNDS = 5;
const TARGET_S = 10;
const root = fileURLToPath(new URL('../..', import.meta.url));

/** A members file with `ROWS` rows, 3% of them bad, phones unique to `round`. */
function csvFile(round) {
	const lines = ['phone,name,birthday,member_number,points'];
	for (let i = 0; i < ROWS; i++) {
		const phone = `+98935${round}${String(i).padStart(6, '0')}`;
		if (i % 100 === 7) lines.push(`not-a-phone,Bad ${i},,,`);
		else if (i % 100 === 42) lines.push(`${phone},Bad birthday,1990-02-30,,`);
		else if (i % 100 === 77) lines.push(`${phone},Bad points,,,-5`);
		else lines.push(`${phone},Member ${i},${i % 2 ? '1370/05/12' : ''},,${i % 10 === 0 ? 25 : ''}`);
	}
	return lines.join('\n') + '\n';
}

export default async function bench() {
	const dataDir = mkdtempSync(join(tmpdir(), 'vafa-bench-import-'));
	chmodSync(dataDir, 0o755);
	let stack;
	let vite;
	let db;
	try {
		stack = await startStack({ apiPort: PORT, dataDir });
		// The app's TypeScript modules, loaded the way Vite serves them to the browser.
		vite = await createServer({
			root,
			configFile: false,
			logLevel: 'error',
			appType: 'custom',
			server: { middlewareMode: true, hmr: false, ws: false },
			optimizeDeps: { noDiscovery: true }
		});
		const { parseImport } = await vite.ssrLoadModule('/src/lib/insights/csv.ts');
		const { runImport } = await vite.ssrLoadModule('/src/lib/insights/import.ts');

		db = new pg.Client({ connectionString: stack.dbUrl });
		await db.connect();
		const options = {
			realtime: { transport: ws },
			auth: { persistSession: false, autoRefreshToken: false }
		};
		const admin = createClient(stack.url, stack.serviceRoleKey, options);
		const phone = '+97250' + String(Date.now()).slice(-7);
		const { data: created, error } = await admin.auth.admin.createUser({
			phone,
			password: 'a-long-password-1',
			phone_confirm: true
		});
		if (error) throw error;
		const manager = createClient(stack.url, stack.anonKey, options);
		const signedIn = await manager.auth.signInWithPassword({
			phone,
			password: 'a-long-password-1'
		});
		if (signedIn.error) throw signedIn.error;

		const results = [];
		for (let round = 1; round <= ROUNDS; round++) {
			const { rows } = await db.query(
				`insert into public.programs (slug, name, settings) values ($1, 'Import bench', '{"points_expiry_days": 365}')
				 returning id`,
				[`import-bench-${round}-${Date.now()}`]
			);
			const programId = rows[0].id;
			await db.query(
				`insert into public.program_staff (program_id, user_id, role) values ($1, $2, 'manager')`,
				[programId, created.user.id]
			);
			const text = csvFile(round);

			const started = performance.now();
			const parsed = parseImport(text, 'IR');
			const parsedMs = performance.now() - started;
			const first = await runImport(manager, programId, 'bench.csv', parsed);
			const firstMs = performance.now() - started;
			if (!first.ok) throw new Error(`import failed: ${JSON.stringify(first.error)}`);

			const againStarted = performance.now();
			const again = await runImport(manager, programId, 'bench.csv', parseImport(text, 'IR'));
			const againMs = performance.now() - againStarted;

			const batches = Math.ceil(parsed.rows.length / 1000);
			const trivialStarted = performance.now();
			for (let b = 0; b < batches; b++) {
				const { error: trivial } = await manager.rpc('my_cards');
				if (trivial) throw trivial;
			}
			const trivialMs = performance.now() - trivialStarted;

			const result = {
				round,
				'import s': +(firstMs / 1000).toFixed(2),
				'of which reading the file ms': Math.round(parsedMs),
				created: first.created,
				refused: first.problems.length,
				're-import s': +(againMs / 1000).toFixed(2),
				're-import created': again.created,
				[`${batches} trivial RPCs ms`]: Math.round(trivialMs)
			};
			results.push(result);
			console.log(JSON.stringify(result));
		}
		const med = median(results.map((r) => r['import s']));
		const summary = {
			command: 'npm run bench -- import',
			rows: ROWS,
			'median import s': med,
			'median re-import s': median(results.map((r) => r['re-import s'])),
			[`< ${TARGET_S} s`]: med < TARGET_S ? 'met' : 'MISSED'
		};
		console.log(
			'\nCSV import of 10,000 rows, end to end — reproduce with: npm run bench -- import'
		);
		console.table(results);
		console.table([summary]);
		return { summary, results };
	} finally {
		await db?.end().catch(() => {});
		await vite?.close();
		await stack?.stop();
		rmSync(dataDir, { recursive: true, force: true });
	}
}
