/**
 * The local Supabase-compatible stack: Postgres, the bootstrap + migrations + seed, PostgREST, the
 * edge runtime, the auth stand-in and the gateway, started in order and stopped in reverse.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig } from './config.js';
import { startFunctions } from './functions.js';
import { createGateway } from './gateway.js';
import { ANON_KEY, JWT_SECRET, SERVICE_ROLE_KEY } from './keys.js';
import { migrate, recreateDatabase } from './migrate.js';
import { startPostgres } from './postgres.js';
import { startPostgrest } from './postgrest.js';
import { assertPortFree } from './process.js';
import { createScheduler } from './scheduler.js';

export const DEFAULT_DATA_DIR = fileURLToPath(new URL('./.data/', import.meta.url));

/**
 * The ports of a stack whose gateway is on `api`: Postgres on api + 1 as `supabase start` has it,
 * the internal services above them.
 */
export function portsFor(api = 54321) {
	return { api, db: api + 1, rest: api + 9, restAdmin: api + 10, functions: api + 11 };
}

function logWriter(dir, service, echo) {
	const stream = createWriteStream(`${dir}/${service}.log`, { flags: 'a' });
	let open = true;
	// A child's last lines can arrive after it exited and the log was closed; they are dropped.
	const write = (line) => {
		if (!open) return;
		stream.write(`${new Date().toISOString()} ${line}\n`);
		if (echo) echo(service, line);
	};
	write.close = () => {
		open = false;
		return new Promise((resolve) => stream.end(resolve));
	};
	return write;
}

/**
 * Starts the stack. Options: `apiPort` (54321), `dataDir`, `databaseUrl` (an existing server
 * instead of the embedded one), `reset` (drop the database first), `watch` (reload functions on
 * change), `scheduler` (run the jobs of private.jobs on their schedules), `echo(service, line)` (mirror chosen log lines, e.g. to the terminal).
 * Resolves to `{ url, anonKey, serviceRoleKey, dbUrl, logsDir, stop() }`.
 */
export async function startStack(options = {}) {
	const started = Date.now();
	const config = loadConfig();
	const ports = portsFor(options.apiPort ?? config.api.port);
	const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
	const logsDir = join(dataDir, 'logs');
	mkdirSync(logsDir, { recursive: true });
	const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
	const url = `http://127.0.0.1:${ports.api}`;
	const logs = {};
	const log = (service) => (logs[service] ??= logWriter(logsDir, service, options.echo));
	const stoppers = [];

	// If this process exits without stop() (a crash, process.exit), its children must not outlive it.
	const children = [];
	const killChildren = () => {
		for (const { pid, signal } of children) {
			try {
				process.kill(pid, signal);
			} catch {
				// already gone
			}
		}
	};
	process.once('exit', killChildren);

	async function stop() {
		process.off('exit', killChildren);
		for (const stopOne of stoppers.reverse()) {
			await stopOne().catch((error) => log('stack')(`stop failed: ${error.message}`));
		}
		stoppers.length = 0;
		await Promise.all(Object.values(logs).map((write) => write.close()));
	}

	try {
		await assertPortFree(ports.api, 'API gateway');
		for (const [port, name] of [
			[ports.rest, 'PostgREST'],
			[ports.restAdmin, 'PostgREST admin'],
			[ports.functions, 'edge runtime']
		]) {
			await assertPortFree(port, name);
		}
		if (!databaseUrl) await assertPortFree(ports.db, 'Postgres');

		const db = await startPostgres({
			dataDir: join(dataDir, 'postgres'),
			port: ports.db,
			databaseUrl,
			log: log('postgres')
		});
		stoppers.push(() => db.stop());
		if (db.pid) children.push({ pid: db.pid, signal: 'SIGINT' });
		if (options.reset) await recreateDatabase(db.url);
		await migrate({
			url: db.url,
			seed: options.reset || db.fresh ? true : 'fresh',
			seedPaths: config.db.seedPaths,
			log: log('migrations')
		});

		const pool = new pg.Pool({ connectionString: db.url, max: 5 });
		pool.on('error', (error) => log('auth')(`database connection lost: ${error.message}`));
		stoppers.push(() => pool.end());
		const { createAuthHandler } = await import('./auth/server.js');
		const auth = createAuthHandler({
			pool,
			auth: config.auth,
			jwtSecret: JWT_SECRET,
			issuer: `${url}/auth/v1`,
			log: log('auth')
		});

		const [rest, functions] = await Promise.all([
			startPostgrest({
				databaseUrl: db.url,
				port: ports.rest,
				adminPort: ports.restAdmin,
				jwtSecret: JWT_SECRET,
				api: config.api,
				log: log('postgrest')
			}),
			startFunctions({
				port: ports.functions,
				supabaseUrl: url,
				anonKey: ANON_KEY,
				serviceRoleKey: SERVICE_ROLE_KEY,
				databaseUrl: db.url,
				watch: options.watch,
				log: log('functions')
			})
		]);
		stoppers.push(
			() => rest.stop(),
			() => functions.stop()
		);

		const health = async () => {
			const check = async (name, probe) => {
				try {
					await probe();
					return [name, 'ok'];
				} catch (error) {
					return [name, error.message];
				}
			};
			const ok = async (target) => {
				const response = await fetch(target);
				if (!response.ok) throw new Error(`status ${response.status}`);
			};
			const services = Object.fromEntries(
				await Promise.all([
					check('db', () => pool.query('select 1')),
					check('rest', () => ok(`http://127.0.0.1:${ports.restAdmin}/ready`)),
					check('functions', () => ok(`http://127.0.0.1:${ports.functions}/_health`)),
					check('auth', () => ok(`${url}/auth/v1/health?apikey=${ANON_KEY}`))
				])
			);
			return { healthy: Object.values(services).every((s) => s === 'ok'), services };
		};

		const server = http.createServer(
			createGateway({
				ports,
				auth,
				keys: [ANON_KEY, SERVICE_ROLE_KEY],
				jwtSecret: JWT_SECRET,
				functions: config.functions,
				health
			})
		);
		server.keepAliveTimeout = 65_000;
		await new Promise((resolve, reject) => {
			server.once('error', reject);
			server.listen(ports.api, '127.0.0.1', resolve);
		});
		stoppers.push(
			() =>
				new Promise((resolve) => {
					server.close(() => resolve());
					server.closeAllConnections();
				})
		);
		const report = await health();
		if (!report.healthy) throw new Error(`Stack unhealthy: ${JSON.stringify(report.services)}`);
		if (options.scheduler) {
			const scheduler = createScheduler({
				pool,
				url,
				serviceRoleKey: SERVICE_ROLE_KEY,
				log: log('scheduler')
			});
			scheduler.start();
			stoppers.push(() => scheduler.stop());
		}
		log('stack')(`ready in ${Date.now() - started} ms at ${url}`);
		return {
			url,
			anonKey: ANON_KEY,
			serviceRoleKey: SERVICE_ROLE_KEY,
			jwtSecret: JWT_SECRET,
			dbUrl: db.url,
			ports,
			logsDir,
			pids: [db.pid, rest.child.pid, functions.child.pid].filter(Boolean),
			startedInMs: Date.now() - started,
			health,
			stop
		};
	} catch (error) {
		await stop();
		throw error;
	}
}
