import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startStack } from '../../supabase/local/stack.js';

const API_PORT = 57321;
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
				/Port 57321 \(API gateway\) is already in use/
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
