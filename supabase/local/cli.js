#!/usr/bin/env node
/** `npm run stack` (start, foreground) and `npm run db:reset`: the local stack's command line. */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from './config.js';
import { migrate, recreateDatabase } from './migrate.js';
import { startPostgres } from './postgres.js';
import { DEFAULT_DATA_DIR, portsFor, startStack } from './stack.js';

const apiPort = Number(process.env.VAFA_PORT_BASE ?? loadConfig().api.port);
const dataDir = process.env.VAFA_DATA_DIR ?? DEFAULT_DATA_DIR;

/** Starts the stack and keeps it up until Ctrl-C or SIGTERM, then stops every process it started. */
export async function runStack({ watch = false, onReady } = {}) {
	let stack;
	let stopping = null;
	const shutdown = (signal) => {
		if (stopping) return;
		console.log(`\n${signal}: stopping the stack…`);
		stopping = (stack ? stack.stop() : Promise.resolve()).then(() => process.exit(0));
	};
	process.on('SIGINT', () => shutdown('SIGINT'));
	process.on('SIGTERM', () => shutdown('SIGTERM'));
	try {
		stack = await startStack({
			apiPort,
			dataDir,
			watch,
			scheduler: process.env.VAFA_SCHEDULER !== 'off',
			echo: (service, line) => {
				// The terminal shows what a developer acts on: codes sent, and failures.
				if (/^outbox #|error|fatal|panic/i.test(line)) console.log(`[${service}] ${line}`);
			}
		});
	} catch (error) {
		console.error(`The local stack could not start: ${error.message}`);
		process.exit(1);
	}
	if (stopping) return stack;
	console.log(`
Vafa local stack (local development only) is up in ${(stack.startedInMs / 1000).toFixed(1)} s.

         API URL: ${stack.url}
     REST, Auth: ${stack.url}/rest/v1, ${stack.url}/auth/v1
       Functions: ${stack.url}/functions/v1/<name>
          DB URL: ${stack.dbUrl}
          Health: ${stack.url}/_local/health
     SMS/email outbox: ${stack.url}/auth/v1/_local/outbox
        anon key: ${stack.anonKey}
service_role key: ${stack.serviceRoleKey}
            Logs: ${stack.logsDir}
`);
	await onReady?.(stack);
	return stack;
}

/** Rebuilds the database from scratch: bootstrap, every migration, the seed. */
async function reset() {
	const ports = portsFor(apiPort);
	const running = await fetch(`http://127.0.0.1:${ports.api}/_local/health`).then(
		() => true,
		() => false
	);
	const started = Date.now();
	const db = running
		? {
				url:
					process.env.DATABASE_URL ??
					`postgresql://postgres:postgres@127.0.0.1:${ports.db}/postgres`,
				stop: async () => {}
			}
		: await startPostgres({
				dataDir: join(dataDir, 'postgres'),
				port: ports.db,
				databaseUrl: process.env.DATABASE_URL,
				log: () => {}
			});
	try {
		await recreateDatabase(db.url);
		const applied = await migrate({
			url: db.url,
			seed: true,
			seedPaths: loadConfig().db.seedPaths,
			log: (line) => console.log(line)
		});
		console.log(
			`Database reset: ${applied.length} migrations and the seed applied in ${Date.now() - started} ms.`
		);
	} finally {
		await db.stop();
	}
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const command = process.argv[2] ?? 'start';
	if (command === 'start') await runStack();
	else if (command === 'reset') {
		await reset().catch((error) => {
			console.error(`db:reset failed: ${error.message}`);
			process.exit(1);
		});
	} else {
		console.error(`Unknown command "${command}". Use: start | reset`);
		process.exit(2);
	}
}
