/**
 * Lighthouse 12 (mobile: Moto G Power emulation, simulated slow 4G and 4x CPU) on the customer's
 * card page and the sign-in page of the production build, with the demo customer signed in.
 * Targets (issue 5): performance >= 95, accessibility 100, best practices 100. Lighthouse 12 has no
 * PWA category; installability is checked over CDP by the e2e suite. Medians of RUNS runs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { startStack } from '../../supabase/local/stack.js';

const RUNS = 3;
const API_PORT = 29321;
const PREVIEW_PORT = 4373;
const DEMO_PHONE = '9120000001';
const CHROME = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const TARGETS = { performance: 95, accessibility: 100, 'best-practices': 100 };

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

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

/** Signs the demo customer in inside `profileDir`, so Lighthouse opens the card as they would. */
async function signIn(origin, profileDir) {
	const context = await chromium.launchPersistentContext(profileDir, {
		executablePath: CHROME,
		args: ['--no-sandbox', '--no-first-run'],
		locale: 'fa-IR',
		baseURL: origin
	});
	try {
		const page = await context.newPage();
		await page.goto('/sign-in');
		await page.getByLabel('شماره موبایل').fill(DEMO_PHONE);
		await page.getByRole('button', { name: /ارسال|دریافت/ }).click();
		await page.getByLabel(/کد/).fill('123456');
		await page.getByRole('button', { name: /ورود|تأیید|تایید/ }).click();
		await page.getByTestId('member-qr').waitFor();
	} finally {
		await context.close();
	}
}

/** One Lighthouse run: category scores (0-100) and the main metrics in ms. */
async function audit(url, port, keepStorage) {
	const { lhr } = await lighthouse(
		url,
		{ port, output: 'json', logLevel: 'error', disableStorageReset: keepStorage },
		{
			extends: 'lighthouse:default',
			settings: { onlyCategories: Object.keys(TARGETS), formFactor: 'mobile' }
		}
	);
	const scores = Object.fromEntries(
		Object.keys(TARGETS).map((id) => [id, Math.round((lhr.categories[id]?.score ?? 0) * 100)])
	);
	const metric = (id) => Math.round(lhr.audits[id]?.numericValue ?? NaN);
	const failing = Object.keys(TARGETS).flatMap((id) =>
		(lhr.categories[id]?.auditRefs ?? [])
			.filter((ref) => ref.weight > 0 && (lhr.audits[ref.id]?.score ?? 1) < 1)
			.map((ref) => `${id}: ${ref.id} (${lhr.audits[ref.id].score})`)
	);
	return {
		scores,
		metrics: {
			fcp: metric('first-contentful-paint'),
			lcp: metric('largest-contentful-paint'),
			tbt: metric('total-blocking-time'),
			cls: Number((lhr.audits['cumulative-layout-shift']?.numericValue ?? NaN).toFixed(3))
		},
		failing,
		warnings: lhr.runWarnings
	};
}

function summarise(runs) {
	const scores = Object.fromEntries(
		Object.keys(TARGETS).map((id) => [id, median(runs.map((r) => r.scores[id]))])
	);
	const metrics = Object.fromEntries(
		Object.keys(runs[0].metrics).map((id) => [id, median(runs.map((r) => r.metrics[id]))])
	);
	return {
		scores,
		met: Object.fromEntries(Object.entries(TARGETS).map(([id, t]) => [id, scores[id] >= t])),
		metrics,
		failing: [...new Set(runs.flatMap((r) => r.failing))],
		warnings: [...new Set(runs.flatMap((r) => r.warnings))]
	};
}

export default async function bench() {
	const dataDir = mkdtempSync(join(tmpdir(), 'vafa-bench-'));
	const profileDir = mkdtempSync(join(tmpdir(), 'vafa-lh-profile-'));
	chmodSync(dataDir, 0o755);
	const stack = await startStack({ apiPort: API_PORT, dataDir });
	let preview;
	let chrome;
	try {
		const env = {
			...process.env,
			PUBLIC_SUPABASE_URL: stack.url,
			PUBLIC_SUPABASE_ANON_KEY: stack.anonKey
		};
		const build = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build'], {
			env,
			stdio: 'ignore'
		});
		if (build.status !== 0) throw new Error('vite build failed');
		preview = spawn(
			process.execPath,
			['node_modules/vite/bin/vite.js', 'preview', '--port', String(PREVIEW_PORT), '--strictPort'],
			{ env, stdio: 'ignore' }
		);
		const origin = `http://localhost:${PREVIEW_PORT}`;
		await waitFor(`${origin}/`, 30_000);
		await signIn(origin, profileDir);
		chrome = await chromeLauncher.launch({
			chromePath: CHROME,
			userDataDir: profileDir,
			chromeFlags: ['--headless=new', '--no-sandbox', '--no-first-run']
		});
		const report = {};
		for (const [name, path, keepStorage] of [
			['card (signed in)', '/card', true],
			['sign-in (first visit)', '/sign-in', false]
		]) {
			const runs = [];
			for (let run = 0; run < RUNS; run++)
				runs.push(await audit(origin + path, chrome.port, keepStorage));
			report[name] = summarise(runs);
		}
		console.log(JSON.stringify({ runs: RUNS, targets: TARGETS, pages: report }, null, '\t'));
		return report;
	} finally {
		await chrome?.kill();
		preview?.kill();
		await stack.stop();
		rmSync(dataDir, { recursive: true, force: true });
		rmSync(profileDir, { recursive: true, force: true });
	}
}
