/** Extra database sessions, for tests that show one transaction waiting for another's lock. */
import pg from 'pg';
import { expect, inject } from 'vitest';

/** A new connection to the stack's database, as its superuser (a trusted caller). */
export async function session(): Promise<pg.Client> {
	const client = new pg.Client({ connectionString: inject('stack').dbUrl });
	await client.connect();
	return client;
}

/** The backend pid of `client`, read before it runs a statement that will block. */
export async function pidOf(client: pg.Client): Promise<number> {
	const { rows } = await client.query('select pg_backend_pid() as pid');
	return rows[0].pid as number;
}

/** Resolves once the backend `pid` is waiting on a lock (a row, or an advisory lock). */
export async function waitsForLock(observer: pg.Client, pid: number): Promise<void> {
	await expect
		.poll(
			async () =>
				(await observer.query('select wait_event_type from pg_stat_activity where pid = $1', [pid]))
					.rows[0]?.wait_event_type,
			{ timeout: 10_000 }
		)
		.toBe('Lock');
}
