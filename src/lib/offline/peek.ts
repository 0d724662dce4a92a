/**
 * Reads the Dexie database with plain IndexedDB, so the card can be drawn from the cache before
 * Dexie (about 30 KB gzip) is loaded. Read-only; every write goes through `db.ts`.
 */

function open(): Promise<IDBDatabase | null> {
	return new Promise((resolve) => {
		let request: IDBOpenDBRequest;
		try {
			request = indexedDB.open('vafa');
		} catch {
			return resolve(null);
		}
		// No database yet: abort rather than create one with a version Dexie did not write.
		request.onupgradeneeded = () => request.transaction?.abort();
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => resolve(null);
		request.onblocked = () => resolve(null);
	});
}

/** An IndexedDB request as a promise. */
export function result<T>(request: IDBRequest<T>): Promise<T> {
	return new Promise((resolve, reject) => {
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => reject(request.error);
	});
}

/**
 * Runs `read` on one read-only transaction over `stores`: one open of the database however many
 * rows are read. Null when there is no database yet, a store is missing or the read fails.
 */
export async function peekStores<T>(
	stores: string[],
	read: (tx: IDBTransaction) => Promise<T>
): Promise<T | null> {
	const idb = await open();
	if (!idb) return null;
	try {
		if (!stores.every((store) => idb.objectStoreNames.contains(store))) return null;
		return await read(idb.transaction(stores, 'readonly'));
	} catch {
		return null;
	} finally {
		idb.close();
	}
}

/** Every row of `store` whose `index` equals `value` and the row of `stores` keyed `key`. */
export function peek<T, S>(
	store: string,
	index: string,
	value: string,
	extra: { store: string; key: string }
): Promise<{ rows: T[]; extra: S | undefined } | null> {
	return peekStores([store, extra.store], async (tx) => {
		const [rows, row] = await Promise.all([
			result(tx.objectStore(store).index(index).getAll(value)),
			result(tx.objectStore(extra.store).get(extra.key))
		]);
		return { rows: rows as T[], extra: row as S | undefined };
	});
}

/** The row of `store` keyed `key`, or null; offline screens read this way without loading Dexie. */
export async function peekOne<T>(store: string, key: string): Promise<T | null> {
	const row = await peekStores([store], (tx) => result(tx.objectStore(store).get(key)));
	return (row as T | undefined) ?? null;
}
