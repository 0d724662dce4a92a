/** Brings a database to what the app expects: Supabase's bootstrap, the migrations in order, the seed. */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import pg from 'pg';
import { SUPABASE_DIR } from './config.js';

const MIGRATIONS_DIR = join(SUPABASE_DIR, 'migrations');
const BOOTSTRAP = [
	new URL('./bootstrap.sql', import.meta.url),
	new URL('./auth/schema.sql', import.meta.url)
];

/** The migration files as the Supabase CLI names them: `<version>_<name>.sql`, in version order. */
export function listMigrations(dir = MIGRATIONS_DIR) {
	return readdirSync(dir)
		.filter((file) => /^\d+_.+\.sql$/.test(file))
		.sort()
		.map((file) => {
			const [, version, name] = /^(\d+)_(.+)\.sql$/.exec(file);
			return { version, name, path: join(dir, file) };
		});
}

async function inTransaction(client, work) {
	await client.query('begin');
	try {
		await work();
		await client.query('commit');
	} catch (error) {
		await client.query('rollback');
		throw error;
	}
}

/** Names the file and the line of a failing statement, so a broken migration is quick to find. */
function explain(error, path, sql) {
	const line = error.position ? sql.slice(0, Number(error.position)).split('\n').length : undefined;
	const where = line ? `${path}:${line}` : path;
	return new Error(`${where}: ${error.message}`, { cause: error });
}

/**
 * Runs the bootstrap (idempotent), then each migration not yet recorded in
 * supabase_migrations.schema_migrations, then the seed files when `seed` is true.
 * Returns the versions it applied.
 */
export async function migrate({ url, seed, seedPaths = ['./seed.sql'], log = () => {} }) {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		for (const file of BOOTSTRAP) {
			if (!existsSync(file)) continue;
			const sql = readFileSync(file, 'utf8');
			await client.query(sql).catch((error) => {
				throw explain(error, file.pathname, sql);
			});
		}
		const { rows } = await client.query(
			'select version from supabase_migrations.schema_migrations'
		);
		const done = new Set(rows.map((row) => row.version));
		const applied = [];
		for (const migration of listMigrations()) {
			if (done.has(migration.version)) continue;
			const sql = readFileSync(migration.path, 'utf8');
			await inTransaction(client, async () => {
				await client.query(sql).catch((error) => {
					throw explain(error, migration.path, sql);
				});
				await client.query(
					'insert into supabase_migrations.schema_migrations (version, name, statements) values ($1, $2, $3)',
					[migration.version, migration.name, [sql]]
				);
			});
			log(`applied migration ${migration.version}_${migration.name}`);
			applied.push(migration.version);
		}
		if (seed === true || (seed === 'fresh' && done.size === 0)) {
			for (const path of expandSeedPaths(seedPaths)) {
				const seedPath = relative(SUPABASE_DIR, path);
				const sql = readFileSync(path, 'utf8');
				await inTransaction(client, () =>
					client.query(sql).catch((error) => {
						throw explain(error, path, sql);
					})
				);
				log(`seeded ${seedPath}`);
			}
		}
		await client.query(`notify pgrst, 'reload schema'`);
		return applied;
	} finally {
		await client.end();
	}
}

/**
 * The seed files in order, as the Supabase CLI reads `[db.seed] sql_paths`: each entry a path
 * relative to supabase/, where `*` in the file name matches within one folder (sorted by name);
 * a missing file is skipped, and a file named twice runs once.
 */
export function expandSeedPaths(seedPaths, base = SUPABASE_DIR) {
	const paths = [];
	for (const entry of seedPaths) {
		const full = resolve(base, entry);
		if (!full.includes('*')) {
			if (existsSync(full)) paths.push(full);
			continue;
		}
		const folder = dirname(full);
		const pattern = new RegExp(
			'^' +
				basename(full)
					.replace(/[.+?^${}()|[\]\\]/g, '\\$&')
					.replace(/\*/g, '[^/]*') +
				'$'
		);
		if (!existsSync(folder)) continue;
		for (const name of readdirSync(folder).sort()) {
			if (pattern.test(name)) paths.push(join(folder, name));
		}
	}
	return [...new Set(paths)];
}

/** Drops and recreates the database named in `url` (connecting to template1 to do it). */
export async function recreateDatabase(url) {
	const target = new URL(url);
	const name = decodeURIComponent(target.pathname.slice(1)) || 'postgres';
	const admin = new URL(url);
	admin.pathname = '/template1';
	const client = new pg.Client({ connectionString: admin.toString() });
	await client.connect();
	try {
		const ident = `"${name.replaceAll('"', '""')}"`;
		await client.query(`drop database if exists ${ident} with (force)`);
		await client.query(`create database ${ident}`);
	} finally {
		await client.end();
	}
}
