/**
 * The local stack's start: cold (new data folder: initdb, bootstrap, migrations, seed) and warm
 * (data kept), against a baseline of Postgres alone starting cold in the same run. Median of 5.
 * Target (issue 2): a cold start under 15 s.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from '../../supabase/local/postgres.js';
import { startStack } from '../../supabase/local/stack.js';

const RUNS = 5;
const PORT = 58321;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function freshDir() {
	const dir = mkdtempSync(join(tmpdir(), 'vafa-bench-'));
	chmodSync(dir, 0o755);
	return dir;
}

async function timed(work) {
	const started = performance.now();
	const result = await work();
	return { ms: performance.now() - started, result };
}

export default async function bench() {
	const baseline = [];
	const cold = [];
	const warm = [];
	for (let run = 0; run < RUNS; run++) {
		const pgDir = freshDir();
		const pg = await timed(() =>
			startPostgres({ dataDir: `${pgDir}/postgres`, port: PORT + 1, log: () => {} })
		);
		baseline.push(pg.ms);
		await pg.result.stop();
		rmSync(pgDir, { recursive: true, force: true });

		const dataDir = freshDir();
		const first = await timed(() => startStack({ apiPort: PORT, dataDir }));
		cold.push(first.ms);
		await first.result.stop();
		const second = await timed(() => startStack({ apiPort: PORT, dataDir }));
		warm.push(second.ms);
		await second.result.stop();
		rmSync(dataDir, { recursive: true, force: true });
	}
	const report = {
		runs: RUNS,
		'postgres alone, cold (baseline) ms': Math.round(median(baseline)),
		'whole stack, cold ms': Math.round(median(cold)),
		'whole stack, warm ms': Math.round(median(warm)),
		'cold stack / cold postgres': +(median(cold) / median(baseline)).toFixed(2),
		'target: cold stack < 15000 ms': median(cold) < 15_000 ? 'met' : 'MISSED'
	};
	console.table(report);
	return report;
}
