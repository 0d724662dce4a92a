import { Dexie, type EntityTable } from 'dexie';
import type { CachedCard, CachedHistory, CachedCatalogue, CardSecret, Stamp } from './types';

export type * from './types';

/**
 * The device's offline copy of what the signed-in user has seen (IndexedDB via Dexie). The card
 * screen reads `cards`, `secrets` and `stamps` through `peek.ts` first, so keep their names.
 */
export const db = new Dexie('vafa') as Dexie & {
	cards: EntityTable<CachedCard, 'id'>;
	stamps: EntityTable<Stamp, 'kind'>;
	secrets: EntityTable<CardSecret, 'memberId'>;
	history: EntityTable<CachedHistory, 'memberId'>;
	catalogue: EntityTable<CachedCatalogue, 'memberId'>;
};

db.version(1).stores({
	cards: 'id, userId',
	stamps: 'kind'
});

db.version(2).stores({
	cards: 'id, userId',
	stamps: 'kind',
	secrets: 'memberId, userId',
	history: 'memberId',
	catalogue: 'memberId'
});

/** Forgets everything cached on this device, e.g. when its user signs out. */
export function forgetAll(): Promise<void> {
	return db.transaction('rw', db.tables, async () => {
		await Promise.all(db.tables.map((table) => table.clear()));
	});
}
