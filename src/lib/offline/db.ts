import { Dexie, type EntityTable } from 'dexie';

/** A membership card as last read from the server; the shape the card screen draws. */
export interface CachedCard {
	id: string;
	userId: string;
	memberNumber: number;
	displayName: string | null;
	joinedAt: string;
	club: {
		id: string;
		slug: string;
		name: string;
		currency: string;
		locale: string;
		branding: Record<string, unknown>;
	};
}

/** When a user's cached data was last refreshed from the server, per kind of data. */
export interface Stamp {
	kind: 'cards';
	userId: string;
	updatedAt: number;
}

/** The device's offline copy of what the signed-in user has seen (IndexedDB via Dexie). */
export const db = new Dexie('vafa') as Dexie & {
	cards: EntityTable<CachedCard, 'id'>;
	stamps: EntityTable<Stamp, 'kind'>;
};

db.version(1).stores({
	cards: 'id, userId',
	stamps: 'kind'
});

/** Forgets everything cached on this device, e.g. when its user signs out. */
export function forgetAll(): Promise<void> {
	return db.transaction('rw', db.cards, db.stamps, async () => {
		await Promise.all([db.cards.clear(), db.stamps.clear()]);
	});
}
