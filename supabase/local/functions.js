/** Edge functions under Deno (npm `deno`), with the environment Supabase gives functions. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { run, waitForHttp } from './process.js';

const DENO = fileURLToPath(new URL('../../node_modules/deno/deno', import.meta.url));
const MAIN = fileURLToPath(new URL('./functions/main.ts', import.meta.url));
const FUNCTIONS_DIR = fileURLToPath(new URL('../functions/', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The secrets of supabase/functions/.env (as `supabase functions serve` reads them), if present. */
function dotenv(path) {
	if (!existsSync(path)) return {};
	const entries = readFileSync(path, 'utf8')
		.split('\n')
		.map((line) => /^\s*([A-Z_][A-Z0-9_]*)\s*=\s*(.*?)\s*$/i.exec(line))
		.filter(Boolean)
		.map(([, key, value]) => [key, value.replace(/^(['"])(.*)\1$/, '$2')]);
	return Object.fromEntries(entries);
}

/** Starts the local edge runtime on `port`; `watch` reloads functions when their files change. */
export async function startFunctions({
	port,
	supabaseUrl,
	anonKey,
	serviceRoleKey,
	databaseUrl,
	watch,
	log
}) {
	const env = {
		PATH: process.env.PATH,
		HOME: process.env.HOME,
		DENO_DIR: process.env.DENO_DIR,
		NO_COLOR: '1',
		...dotenv(`${FUNCTIONS_DIR}.env`),
		SUPABASE_URL: supabaseUrl,
		SUPABASE_ANON_KEY: anonKey,
		SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey,
		SUPABASE_DB_URL: databaseUrl,
		VAFA_FUNCTIONS_DIR: FUNCTIONS_DIR,
		VAFA_FUNCTIONS_PORT: String(port)
	};
	for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
	const args = [
		'run',
		'--allow-all',
		'--no-lock',
		'--no-prompt',
		...(watch ? ['--watch'] : []),
		MAIN
	];
	const proc = run(DENO, args, { env, log, cwd: ROOT });
	await waitForHttp(`http://127.0.0.1:${port}/_health`, { proc, name: 'Edge functions (Deno)' });
	return proc;
}
