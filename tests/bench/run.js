#!/usr/bin/env node
/** `npm run bench`: runs every tests/bench/*.bench.js in turn and prints its report. */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
for (const file of readdirSync(dir)
	.filter((f) => f.endsWith('.bench.js'))
	.sort()) {
	if (only.length && !only.some((name) => file.includes(name))) continue;
	console.log(`\n=== ${file} ===`);
	const { default: bench } = await import(pathToFileURL(`${dir}${file}`).href);
	await bench();
}
