#!/usr/bin/env node
/** `npm run dev`: the local stack, then Vite's dev server; Ctrl-C stops both. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runStack } from './cli.js';

const vite = fileURLToPath(new URL('../../node_modules/vite/bin/vite.js', import.meta.url));

await runStack({
	watch: true,
	onReady: (stack) => {
		const child = spawn(process.execPath, [vite, 'dev', '--port', '5173', '--strictPort'], {
			stdio: 'inherit',
			env: {
				...process.env,
				PUBLIC_SUPABASE_URL: stack.url,
				PUBLIC_SUPABASE_ANON_KEY: stack.anonKey
			}
		});
		const stopVite = () => child.kill('SIGTERM');
		process.on('SIGINT', stopVite);
		process.on('SIGTERM', stopVite);
		child.on('exit', (code) => {
			if (code !== null && code !== 0) process.kill(process.pid, 'SIGTERM');
		});
	}
});
