import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandSeedPaths } from './migrate.js';

describe('expandSeedPaths', () => {
	const base = mkdtempSync(join(tmpdir(), 'vafa-seeds-'));
	mkdirSync(join(base, 'seeds'));
	for (const name of ['seed.sql', 'seeds/20-b.sql', 'seeds/10-a.sql', 'seeds/notes.txt']) {
		writeFileSync(join(base, name), '');
	}
	afterAll(() => rmSync(base, { recursive: true, force: true }));

	it('reads plain paths, then a folder pattern in name order, like the Supabase CLI', () => {
		expect(expandSeedPaths(['./seed.sql', './seeds/*.sql'], base)).toEqual([
			join(base, 'seed.sql'),
			join(base, 'seeds/10-a.sql'),
			join(base, 'seeds/20-b.sql')
		]);
	});

	it('skips missing files and runs a file named twice once', () => {
		expect(
			expandSeedPaths(['./missing.sql', './seed.sql', './seed.sql', './none/*.sql'], base)
		).toEqual([join(base, 'seed.sql')]);
	});
});
