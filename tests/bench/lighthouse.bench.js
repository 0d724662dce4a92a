/**
 * Lighthouse 12 (mobile: Moto G Power emulation, simulated slow 4G and 4x CPU) on the customer's
 * card page and the sign-in page of the production build, with the demo customer signed in.
 * Targets (issue 5): performance >= 95, accessibility 100, best practices 100. Lighthouse 12 has no
 * PWA category; installability is checked over CDP by the e2e suite. Medians of RUNS runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { signInDemoCustomer, withBuiltApp } from '../built-app.js';
import { median } from './load.js';

const RUNS = 3;
const API_PORT = 29321;
const PREVIEW_PORT = 4373;
const CHROME = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const TARGETS = { performance: 95, accessibility: 100, 'best-practices': 100 };

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
		await signInDemoCustomer(page);
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
	const profileDir = mkdtempSync(join(tmpdir(), 'vafa-lh-profile-'));
	let chrome;
	try {
		return await withBuiltApp(
			{ apiPort: API_PORT, previewPort: PREVIEW_PORT },
			async ({ origin }) => {
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
					for (let run = 0; run < RUNS; run++) {
						runs.push(await audit(origin + path, chrome.port, keepStorage));
					}
					report[name] = summarise(runs);
				}
				console.log(JSON.stringify({ runs: RUNS, targets: TARGETS, pages: report }, null, '\t'));
				return report;
			}
		);
	} finally {
		await chrome?.kill();
		rmSync(profileDir, { recursive: true, force: true });
	}
}
