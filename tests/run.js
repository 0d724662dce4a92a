#!/usr/bin/env node
/**
 * `npm test`: every layer in turn — static checks (prettier, eslint, svelte-check), unit (vitest), functions (deno test), integration (vitest
 * against the stack), end-to-end (Playwright on build && preview). A layer that fails, or runs no
 * test, fails the run; nothing is skipped silently.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => `${root}node_modules/.bin/${name}`;

const layers = [
	{ name: 'static', command: 'npm', args: ['run', '--silent', 'verify'] },
	{ name: 'unit', command: bin('vitest'), args: ['run', '--project', 'unit'] },
	{
		name: 'functions',
		command: `${root}node_modules/deno/deno`,
		args: ['test', '--allow-all', '--no-lock', 'supabase/functions']
	},
	{ name: 'integration', command: bin('vitest'), args: ['run', '--project', 'integration'] },
	{ name: 'e2e', command: bin('playwright'), args: ['test'] }
];

const only = process.argv.slice(2);
const results = [];
for (const layer of layers) {
	if (only.length && !only.includes(layer.name)) continue;
	console.log(`\n=== ${layer.name} ===`);
	const started = Date.now();
	const run = spawnSync(layer.command, layer.args, {
		cwd: root,
		stdio: 'inherit',
		env: process.env
	});
	const ok = run.status === 0;
	results.push({ name: layer.name, ok, seconds: (Date.now() - started) / 1000 });
}

console.log('\n=== summary ===');
for (const r of results)
	console.log(`${r.ok ? 'pass' : 'FAIL'}  ${r.name}  (${r.seconds.toFixed(1)} s)`);
const failed = results.filter((r) => !r.ok).length;
console.log(`layers: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
