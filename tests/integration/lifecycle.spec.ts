import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startPostgres } from '../../supabase/local/postgres.js';
import { startStack } from '../../supabase/local/stack.js';

// 2000 above the integration stack's base, so parallel checkouts with their own base do not collide.
const API_PORT = Number(process.env.VAFA_TEST_PORT_BASE ?? 25321) + 2000;
const dataDir = mkdtempSync(join(tmpdir(), 'vafa-lifecycle-'));
// Postgres runs as its own user when we are root, so it must be able to enter the folder.
chmodSync(dataDir, 0o755);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function alive(pid: number) {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

describe('the local stack’s life cycle', () => {
	it('keeps its data across a restart and leaves no process behind when stopped', async () => {
		const first = await startStack({ apiPort: API_PORT, dataDir });
		const db = new pg.Client({ connectionString: first.dbUrl });
		await db.connect();
		await db.query(
			`insert into public.programs (slug, name) values ('kept-across-restarts', 'Kept')`
		);
		await db.end();
		const pids = first.pids as number[];
		expect(pids.length).toBe(3);
		await first.stop();
		expect(pids.filter(alive)).toEqual([]);

		const second = await startStack({ apiPort: API_PORT, dataDir });
		try {
			const again = new pg.Client({ connectionString: second.dbUrl });
			await again.connect();
			const { rows } = await again.query(`select slug from public.programs order by slug`);
			await again.end();
			expect(rows.map((row) => row.slug)).toEqual(['cafe-vafa', 'kept-across-restarts']);
		} finally {
			await second.stop();
		}
	});

	it('says which port is taken instead of failing obscurely', async () => {
		const squatter = createServer();
		await new Promise<void>((resolve) => squatter.listen(API_PORT, '127.0.0.1', resolve));
		try {
			await expect(startStack({ apiPort: API_PORT, dataDir })).rejects.toThrow(
				new RegExp(`Port ${API_PORT} \\(API gateway\\) is already in use`)
			);
		} finally {
			squatter.close();
		}
	});

	it('rebuilds the database from scratch on reset, with the seed and without old rows', async () => {
		const stack = await startStack({ apiPort: API_PORT, dataDir, reset: true });
		try {
			const db = new pg.Client({ connectionString: stack.dbUrl });
			await db.connect();
			const { rows } = await db.query(`select slug from public.programs`);
			await db.end();
			expect(rows.map((row) => row.slug)).toEqual(['cafe-vafa']);
		} finally {
			await stack.stop();
		}
	});
});

/** Processes whose command line names `dataDir` (Postgres is started with -D inside it). */
function processesUsing(dir: string) {
	const ps = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).stdout;
	return ps.split('\n').filter((line) => line.includes(dir) && !line.includes('ps -eo'));
}

describe('the stack’s command line', () => {
	const cliDir = mkdtempSync(join(tmpdir(), 'vafa-cli-'));
	chmodSync(cliDir, 0o755);
	const env = { ...process.env, VAFA_PORT_BASE: String(API_PORT), VAFA_DATA_DIR: cliDir };
	afterAll(() => rmSync(cliDir, { recursive: true, force: true }));

	it('npm run stack serves until SIGTERM, then exits cleanly and leaves no process', async () => {
		const child = spawn(process.execPath, ['supabase/local/cli.js', 'start'], {
			env,
			stdio: 'pipe'
		});
		let output = '';
		child.stdout.on('data', (chunk) => (output += chunk));
		const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
		for (let i = 0; i < 200 && !output.includes('is up'); i++)
			await new Promise((r) => setTimeout(r, 50));
		expect(output).toContain('is up');
		const health = await fetch(`http://127.0.0.1:${API_PORT}/_local/health`);
		expect(health.status).toBe(200);
		expect(processesUsing(cliDir).length).toBeGreaterThan(0);

		child.kill('SIGTERM');
		expect(await exited).toBe(0);
		expect(processesUsing(cliDir)).toEqual([]);
		await expect(fetch(`http://127.0.0.1:${API_PORT}/_local/health`)).rejects.toThrow();
	});

	it('npm run db:reset rebuilds the stopped database with the seed', async () => {
		const reset = spawnSync(process.execPath, ['supabase/local/cli.js', 'reset'], {
			env,
			encoding: 'utf8'
		});
		expect(reset.status, reset.stderr).toBe(0);
		expect(reset.stdout).toMatch(/Database reset: \d+ migrations and the seed applied/);
		expect(processesUsing(cliDir)).toEqual([]);
	});
});

describe('DATABASE_URL', () => {
	it('points the stack at an existing Postgres instead of the embedded one', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'vafa-external-'));
		chmodSync(dir, 0o755);
		const external = await startPostgres({
			dataDir: join(dir, 'pg'),
			port: API_PORT + 20,
			log: () => {}
		});
		try {
			const stack = await startStack({
				apiPort: API_PORT,
				dataDir: join(dir, 'stack'),
				databaseUrl: external.url
			});
			try {
				expect(stack.dbUrl).toBe(external.url);
				const response = await fetch(`${stack.url}/rest/v1/programs?select=slug`, {
					headers: { apikey: stack.serviceRoleKey }
				});
				expect(await response.json()).toEqual([{ slug: 'cafe-vafa' }]);
			} finally {
				await stack.stop();
			}
		} finally {
			await external.stop();
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
