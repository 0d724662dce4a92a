/** Starts the stack, builds the app against it and serves the build with `vite preview`. */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack } from '../../supabase/local/stack.js';

// Parallel checkouts (git worktrees) choose their own ports; CI takes the defaults.
const PREVIEW_PORT = Number(process.env.VAFA_PREVIEW_PORT ?? 4173);

async function waitFor(url: string, timeoutMs: number) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		try {
			if ((await fetch(url)).ok) return;
		} catch {
			// not up yet
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

export default async function globalSetup() {
	const dataDir = mkdtempSync(join(tmpdir(), 'vafa-e2e-'));
	// Postgres runs as its own user when we are root, so it must be able to enter the folder.
	chmodSync(dataDir, 0o755);
	const stack = await startStack({
		apiPort: Number(process.env.VAFA_E2E_PORT_BASE ?? 26321),
		dataDir
	}).catch((error) => {
		rmSync(dataDir, { recursive: true, force: true });
		throw error;
	});
	const env = {
		...process.env,
		PUBLIC_SUPABASE_URL: stack.url,
		PUBLIC_SUPABASE_ANON_KEY: stack.anonKey
	};
	process.env.VAFA_STACK_URL = stack.url;
	process.env.VAFA_ANON_KEY = stack.anonKey;
	process.env.VAFA_SERVICE_ROLE_KEY = stack.serviceRoleKey;
	let preview: ReturnType<typeof spawn> | undefined;
	try {
		const build = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build'], {
			env,
			stdio: 'inherit'
		});
		if (build.status !== 0) throw new Error('vite build failed');
		preview = spawn(
			process.execPath,
			['node_modules/vite/bin/vite.js', 'preview', '--port', String(PREVIEW_PORT), '--strictPort'],
			{ env, stdio: 'ignore' }
		);
		await waitFor(`http://localhost:${PREVIEW_PORT}/`, 30_000);
	} catch (error) {
		preview?.kill();
		await stack.stop();
		rmSync(dataDir, { recursive: true, force: true });
		throw error;
	}
	return async () => {
		preview?.kill();
		await stack.stop();
		rmSync(dataDir, { recursive: true, force: true });
	};
}
