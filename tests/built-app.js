/**
 * For the end-to-end tests and the browser benchmarks: a stack of their own in a new folder, the
 * production build against it, and `vite preview` serving that build.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack } from '../supabase/local/stack.js';

/**
 * Whether the service worker is activated, controls the page and holds the app shell: until then
 * an offline start may find nothing to serve. Read through page.evaluate, which awaits the page's
 * promise (waitForFunction would take an async predicate's pending promise as a truthy answer).
 */
export function serviceWorkerHoldsShell(page) {
	return page.evaluate(async () => {
		const registration = await navigator.serviceWorker?.getRegistration();
		return (
			navigator.serviceWorker.controller !== null &&
			registration?.active?.state === 'activated' &&
			!registration.installing &&
			(await caches.match('/', { ignoreSearch: true })) !== undefined
		);
	});
}

/** Resolves once `url` answers 2xx, polling every 100 ms; throws after `timeoutMs`. */
async function waitFor(url, timeoutMs) {
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

/**
 * Starts a stack on `apiPort`, builds the app against it and serves the build on `previewPort`
 * (both below 32768); `quiet` hides the build's output. `stop()` ends both and removes the stack's
 * folder; a failed start cleans up after itself.
 */
export async function startBuiltApp({ apiPort, previewPort, quiet = false }) {
	const dataDir = mkdtempSync(join(tmpdir(), 'vafa-app-'));
	// Postgres runs as its own user when we are root, so it must be able to enter the folder.
	chmodSync(dataDir, 0o755);
	const stack = await startStack({ apiPort, dataDir }).catch((error) => {
		rmSync(dataDir, { recursive: true, force: true });
		throw error;
	});
	let preview;
	const stop = async () => {
		preview?.kill();
		await stack.stop();
		rmSync(dataDir, { recursive: true, force: true });
	};
	try {
		const env = {
			...process.env,
			PUBLIC_SUPABASE_URL: stack.url,
			PUBLIC_SUPABASE_ANON_KEY: stack.anonKey
		};
		const build = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build'], {
			env,
			stdio: quiet ? 'ignore' : 'inherit'
		});
		if (build.status !== 0) throw new Error('vite build failed');
		preview = spawn(
			process.execPath,
			['node_modules/vite/bin/vite.js', 'preview', '--port', String(previewPort), '--strictPort'],
			{ env, stdio: 'ignore' }
		);
		const origin = `http://localhost:${previewPort}`;
		await waitFor(`${origin}/`, 30_000);
		return { origin, stack, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}

/** Runs `use({ origin, stack })` with a built app (see startBuiltApp), then stops it. */
export async function withBuiltApp(ports, use) {
	const app = await startBuiltApp(ports);
	try {
		return await use(app);
	} finally {
		await app.stop();
	}
}

/** Signs the demo customer (+98 912 000 0001, test code 123456) in on `page`; ends on the card. */
export async function signInDemoCustomer(page) {
	await page.goto('/sign-in');
	await page.getByLabel('شماره موبایل').fill('9120000001');
	await page.getByRole('button', { name: /ارسال|دریافت/ }).click();
	await page.getByLabel(/کد/).fill('123456');
	await page.getByRole('button', { name: /ورود|تأیید|تایید/ }).click();
	await page.getByTestId('member-qr').waitFor();
}
