/**
 * The JavaScript the card screen needs before its QR is painted, from the build's Vite manifest
 * (issue 5's budget: 50 KB gzip, no supabase-js). `npm run bench -- app` reports it; the e2e
 * layer checks it on the build it tests, since a size, unlike a time, does not vary by machine.
 */
export const CARD_PATH_BUDGET_BYTES = 50 * 1024;
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const CLIENT = '.svelte-kit/output/client';

/** Static imports reachable from the entries and the layout and card nodes, gzip-sized. */
export function cardPathSize() {
	const manifest = JSON.parse(readFileSync(`${CLIENT}/.vite/manifest.json`, 'utf8'));
	const cardNode = readdirSync('.svelte-kit/generated/client-optimized/nodes').find((file) =>
		readFileSync(`.svelte-kit/generated/client-optimized/nodes/${file}`, 'utf8').includes(
			'routes/card/+page'
		)
	);
	const roots = Object.keys(manifest).filter(
		(key) =>
			manifest[key].isEntry &&
			(/entry\/(start|app)/.test(manifest[key].file) ||
				key.endsWith('client-optimized/nodes/0.js') ||
				key.endsWith(`client-optimized/nodes/${cardNode}`))
	);
	const seen = new Set();
	const visit = (key) => {
		if (seen.has(key) || !manifest[key]) return;
		seen.add(key);
		for (const next of manifest[key].imports ?? []) visit(next);
	};
	roots.forEach(visit);
	const files = [...seen].map((key) => {
		const file = manifest[key].file;
		const code = readFileSync(`${CLIENT}/${file}`);
		return {
			file,
			gzip: gzipSync(code, { level: 9 }).length,
			supabase: /GoTrueClient|PostgrestClient|RealtimeClient/.test(code.toString())
		};
	});
	return { roots, files, total: files.reduce((sum, f) => sum + f.gzip, 0) };
}
