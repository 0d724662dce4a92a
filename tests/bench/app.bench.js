/**
 * The customer app's budgets (issue 5), medians of 7 in one run:
 * - the JavaScript needed before the card's QR is painted, gzip, from the build's Vite manifest
 *   (target: at most 50 KB, with no supabase-js on the path);
 * - time to QR on a cold, offline start from the service-worker cache with 4x CPU throttling, against
 *   a static page (static/privacy.html, no script) served by the same worker (target: at most 1.5x).
 *   "Cold" is the app's: each run is a new page, so no script of the app is running and everything
 *   comes from the worker's cache; the browser itself is not restarted, so its own caches (HTTP
 *   memory cache, compiled code) are warm for both pages alike.
 */
import { chromium } from '@playwright/test';
import { CARD_PATH_BUDGET_BYTES, cardPathSize } from '../app-size.js';
import { serviceWorkerHoldsShell, signInDemoCustomer, withBuiltApp } from '../built-app.js';
import { median } from './load.js';

const RUNS = 7;
const API_PORT = 28321;
const PREVIEW_PORT = 4273;
const BUDGET_KB = CARD_PATH_BUDGET_BYTES / 1024;

/** Milliseconds from navigation start until `done` holds in a new throttled, offline page. */
async function coldStart(context, url, done) {
	const page = await context.newPage();
	const cdp = await context.newCDPSession(page);
	await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
	await page.goto(url, { waitUntil: 'commit' });
	const ms = await page.evaluate(done);
	await page.close();
	return ms;
}

/** In the page: when the card's QR is first in the document and painted, after navigation start. */
function qrPainted() {
	return new Promise((resolve) => {
		const check = () => {
			if (!document.querySelector('[data-testid="member-qr"], [data-testid="member-qr-early"]'))
				return false;
			requestAnimationFrame(() => setTimeout(() => resolve(performance.now())));
			return true;
		};
		if (check()) return;
		const observer = new MutationObserver(() => check() && observer.disconnect());
		observer.observe(document, { childList: true, subtree: true });
	});
}

/** In the page: when the document finished loading and was painted, after navigation start. */
function documentPainted() {
	return new Promise((resolve) => {
		const painted = () => requestAnimationFrame(() => setTimeout(() => resolve(performance.now())));
		if (document.readyState === 'complete') painted();
		else addEventListener('load', painted, { once: true });
	});
}

async function timeToQr(origin) {
	const browser = await chromium.launch({
		executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-background-networking', '--no-first-run']
	});
	try {
		const context = await browser.newContext({ baseURL: origin, locale: 'fa-IR' });
		const page = await context.newPage();
		await signInDemoCustomer(page);
		// Offline runs need the shell in the worker's cache, not just an active worker.
		while (!(await serviceWorkerHoldsShell(page))) await new Promise((r) => setTimeout(r, 100));
		await page.close();
		await context.setOffline(true);
		const card = [];
		const baseline = [];
		for (let run = 0; run < RUNS; run++) {
			baseline.push(await coldStart(context, `${origin}/privacy.html`, documentPainted));
			card.push(await coldStart(context, `${origin}/card`, qrPainted));
		}
		await context.close();
		return { qrMs: median(card), staticMs: median(baseline) };
	} finally {
		await browser.close();
	}
}

export default async function bench() {
	return withBuiltApp(
		{ apiPort: API_PORT, previewPort: PREVIEW_PORT, quiet: true },
		async ({ origin }) => {
			const { files, total } = cardPathSize();
			const { qrMs, staticMs } = await timeToQr(origin);
			const report = {
				beforeQrKb: Number((total / 1024).toFixed(1)),
				budgetKb: BUDGET_KB,
				supabaseOnPath: files.some((f) => f.supabase),
				offlineColdStart4xCpu: {
					qrMs: Math.round(qrMs),
					staticMs: Math.round(staticMs),
					ratio: Number((qrMs / staticMs).toFixed(2)),
					target: 1.5
				},
				files: files
					.sort((a, b) => b.gzip - a.gzip)
					.map((f) => `${f.file} ${(f.gzip / 1024).toFixed(1)} KB`)
			};
			console.log(JSON.stringify(report, null, '\t'));
			return report;
		}
	);
}
