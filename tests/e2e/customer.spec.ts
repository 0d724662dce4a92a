import { expect, test, type Page } from '@playwright/test';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import {
	axeViolations,
	checkout,
	codeFromOutbox,
	createMember,
	freshPhone,
	referralCodeOf,
	serviceWorkerReady,
	sessionOnAnotherDevice,
	signInThroughApp
} from './helpers';
import { CARD_PATH_BUDGET_BYTES, cardPathSize } from '../app-size.js';

/** A new member of cafe-vafa signed in on the card screen, with its QR drawn. */
async function newMemberOnCard(page: Page) {
	const phone = freshPhone();
	const memberNumber = 10_000 + Math.floor(Math.random() * 80_000);
	const userId = await createMember(phone, memberNumber);
	await signInThroughApp(page, phone);
	await expect(page.getByTestId('member-qr')).toBeVisible();
	return { phone, memberNumber, userId };
}

/** What the QR on screen says, read from a screenshot as a cashier's scanner would. */
async function scanQr(page: Page): Promise<string> {
	const png = PNG.sync.read(await page.getByTestId('member-qr').screenshot());
	const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
	if (!code) throw new Error('the QR on screen did not decode');
	return code.data;
}

/** Whether IndexedDB holds a first history page with an entry for `reason`, and a catalogue. */
async function deviceHolds(reason: string) {
	const idb = await new Promise<IDBDatabase>((resolve, reject) => {
		const request = indexedDB.open('vafa');
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => reject(request.error);
	});
	const all = (store: string) =>
		new Promise<unknown[]>((resolve, reject) => {
			const request = idb.transaction(store, 'readonly').objectStore(store).getAll();
			request.onsuccess = () => resolve(request.result);
			request.onerror = () => reject(request.error);
		});
	try {
		const [pages, catalogues] = await Promise.all([all('history'), all('catalogue')]);
		const entries = (pages as { entries: { reasonKey: string }[] }[]).flatMap((p) => p.entries);
		return catalogues.length > 0 && entries.some((entry) => entry.reasonKey === reason);
	} catch {
		return false;
	} finally {
		idb.close();
	}
}

test("a friend's join link signs a new customer up with an SMS code and shows the new card", async ({
	page
}) => {
	const phone = freshPhone();
	const referral = await referralCodeOf(1001);
	await page.goto(`/join/cafe-vafa?ref=${referral}`);
	await expect(page.getByText(referral)).toBeVisible();
	await page.getByLabel('شماره موبایل').fill(phone);
	await page.getByRole('button', { name: /ارسال/ }).click();
	await page.getByLabel(/کد/).fill(await codeFromOutbox(phone));
	await page.getByRole('button', { name: /ورود/ }).click();

	await page.getByLabel('نام', { exact: true }).fill('نگار');
	await page.getByRole('button', { name: 'عضو شوید' }).click();
	await expect(page).toHaveURL(/\/card/);
	const card = page.getByTestId('member-card');
	await expect(card).toContainText('کافه وفا');
	await expect(card).toContainText('نگار');
	await expect(card.getByTestId('member-qr')).toBeVisible();
	await expect(card.getByTestId('fallback-code')).toHaveText(/^[۰-۹]+-[۰-۹]{3} [۰-۹]{3}$/);
});

test('the QR in a screenshot is accepted once at checkout, and the open card shows the points within 3 s', async ({
	page
}) => {
	await newMemberOnCard(page);
	await expect(page.getByTestId('points')).toHaveAttribute('data-points', '0');
	const payload = await scanQr(page);
	expect(payload).toMatch(/^V1:[0-9A-Z]{26}:[0-9A-Z]+:[0-9A-Z]{13}$/);

	// 20 000 000 rials at 1 point per 100 000, plus the first-purchase bonus of 50.
	const first = await checkout(payload, 20_000_000);
	expect(first.status).toBe(200);
	await expect(page.getByTestId('points')).toHaveAttribute('data-points', '250', { timeout: 3000 });

	const again = await checkout(payload, 20_000_000);
	expect(again).toMatchObject({ status: 409, body: { code: 'VAFA_CARD_REPLAYED' } });
});

test('redeeming a reward gives a one-time code as QR and text with its countdown', async ({
	page
}) => {
	const { phone } = await newMemberOnCard(page);
	expect((await checkout(phone, 20_000_000)).status).toBe(200);
	await expect(page.getByTestId('points')).toHaveAttribute('data-points', '250', { timeout: 3000 });
	await page.getByRole('link', { name: 'جایزه‌ها' }).click();
	const espresso = page.getByTestId('reward').filter({ hasText: 'اسپرسو' });
	await espresso.getByRole('button', { name: 'دریافت' }).click();
	const redemption = page.getByTestId('redemption');
	await expect(redemption.getByTestId('redemption-code')).toHaveText(/^[2-9A-HJKMNP-Z]{8}$/);
	await expect(redemption.getByRole('img')).toBeVisible();
	await expect(redemption.getByTestId('redemption-countdown')).toContainText('اعتبار تا');
	// The brunch is for gold members only.
	await expect(
		page.getByTestId('reward').filter({ hasText: 'برانچ' }).getByRole('button')
	).toBeDisabled();
});

test('offline, the card, its rotating QR, the history and the rewards still show', async ({
	page,
	context
}) => {
	const { phone } = await newMemberOnCard(page);
	expect((await checkout(phone, 20_000_000)).status).toBe(200);
	await expect(page.getByTestId('points')).toHaveAttribute('data-points', '250', { timeout: 3000 });
	// The open card keeps the new history page and the catalogue on the device by itself.
	await expect
		.poll(() => page.evaluate(deviceHolds, 'rule.first_purchase'), { timeout: 20_000 })
		.toBe(true);
	await serviceWorkerReady(page);

	await context.setOffline(true);
	await page.clock.install();
	await page.reload();
	await expect(page.getByTestId('offline-banner')).toBeVisible();
	await expect(page.getByTestId('points')).toHaveAttribute('data-points', '250');
	const qr = page.getByTestId('member-qr');
	await expect(qr).toBeVisible();
	const before = await page.getByTestId('fallback-code').textContent();
	const shown = await scanQr(page);
	await page.clock.fastForward(30_000);
	await expect(page.getByTestId('fallback-code')).not.toHaveText(before!);
	expect(await scanQr(page)).not.toBe(shown);

	await page.getByRole('link', { name: 'تاریخچه' }).click();
	await expect(
		page.getByTestId('history-entry').filter({ hasText: 'هدیهٔ اولین خرید' })
	).toBeVisible();
	await expect(page.getByTestId('history-updated')).toBeVisible();
	await page.goBack();
	await page.getByRole('link', { name: 'جایزه‌ها' }).click();
	await expect(page.getByTestId('reward').first()).toBeVisible();
	await expect(page.getByRole('button', { name: 'دریافت' }).first()).toBeDisabled();
	await expect(page.getByText('این کار به اینترنت نیاز دارد').first()).toBeVisible();
	await context.setOffline(false);
});

test('every screen is axe-clean in Persian and English, and mirrors in Persian and Hebrew', async ({
	page
}) => {
	await newMemberOnCard(page);
	const card = page.url();
	const memberId = (await page.getByRole('link', { name: 'تاریخچه' }).getAttribute('href'))!
		.split('/')
		.pop();
	const screens = [card, `/history/${memberId}`, `/rewards/${memberId}`, '/profile'];
	for (const locale of ['fa', 'en'] as const) {
		await page.evaluate((l) => localStorage.setItem('vafa:locale', l), locale);
		for (const screen of screens) {
			await page.goto(screen);
			await expect(page.locator('html')).toHaveAttribute('lang', locale);
			await expect(page.locator('h1')).toBeVisible();
			// The screens poll while visible, so the network is never idle: wait for what they draw.
			await expect(page.locator('[data-testid$="-updated"]').first()).toBeVisible();
			expect({ screen, locale, violations: await axeViolations(page) }).toEqual({
				screen,
				locale,
				violations: []
			});
		}
	}

	const numberX = async (locale: string) => {
		await page.evaluate((l) => localStorage.setItem('vafa:locale', l), locale);
		await page.goto(card);
		await expect(page.locator('html')).toHaveAttribute('lang', locale);
		const box = (await page.getByTestId('member-number').boundingBox())!;
		const width = page.viewportSize()!.width;
		return { start: box.x, end: width - (box.x + box.width) };
	};
	const fa = await numberX('fa');
	const he = await numberX('he');
	const en = await numberX('en');
	// In right-to-left locales the member number sits against the right edge, in English the left.
	expect(fa.end).toBeLessThan(fa.start);
	expect(he.end).toBeLessThan(he.start);
	expect(en.start).toBeLessThan(en.end);
	expect(Math.abs(fa.end - en.start)).toBeLessThan(2);
});

test('offline, the service worker paints a QR the checkout accepts into the card page itself, and the app takes over', async ({
	page,
	context,
	browser
}) => {
	await newMemberOnCard(page);
	await serviceWorkerReady(page);
	await context.setOffline(true);

	const response = await page.goto('/card', { waitUntil: 'commit' });
	expect(response?.fromServiceWorker()).toBe(true);
	const html = await response!.text();
	const svg = /<svg data-testid="member-qr-early"[\s\S]*?<\/svg>/.exec(html)?.[0];
	expect(svg, 'the served HTML carries the early card').toBeTruthy();

	// Scan the served markup as the cashier's camera would see it.
	const scanner = await browser.newPage();
	await scanner.setContent(
		`<body style="margin:0;background:#fff">${svg!.replace('<svg ', '<svg width="300" height="300" ')}</body>`
	);
	const png = PNG.sync.read(await scanner.locator('svg').screenshot());
	await scanner.close();
	const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
	expect(decoded?.data).toMatch(/^V1:/);

	// Once the app has drawn its own code the early card is gone.
	await expect(page.getByTestId('member-qr')).toBeVisible();
	await expect(page.locator('#early-card')).toHaveCount(0);
	await context.setOffline(false);

	expect((await checkout(decoded!.data, 10_000_000)).status).toBe(200);
	expect((await checkout(decoded!.data, 10_000_000)).status).not.toBe(200);
});

test('a card taken over by another device says so instead of showing refused codes, and can be taken back', async ({
	page
}) => {
	const { userId } = await newMemberOnCard(page);
	// Another device of the same user asks for the card, as its app does on first sight of it.
	const token = await sessionOnAnotherDevice(userId);
	const [{ id: memberId }] = await (
		await fetch(`${process.env.VAFA_STACK_URL}/rest/v1/members?select=id`, {
			headers: { apikey: process.env.VAFA_ANON_KEY!, authorization: `Bearer ${token}` }
		})
	).json();
	const issued = await fetch(`${process.env.VAFA_STACK_URL}/functions/v1/card-secret`, {
		method: 'POST',
		headers: {
			apikey: process.env.VAFA_ANON_KEY!,
			authorization: `Bearer ${token}`,
			'content-type': 'application/json'
		},
		body: JSON.stringify({ member_id: memberId })
	});
	expect(issued.status).toBe(200);

	// This phone learns it on its next look at the server, and stops showing codes.
	await page.reload();
	await expect(page.getByTestId('qr-stale')).toBeVisible();
	await expect(page.getByTestId('member-qr')).toHaveCount(0);
	expect(await axeViolations(page)).toEqual([]);

	await page.getByTestId('qr-take-over').click();
	await expect(page.getByTestId('member-qr')).toBeVisible();
	await expect(page.getByTestId('qr-stale')).toHaveCount(0);
	expect((await checkout(await scanQr(page), 10_000_000)).status).toBe(200);
});

test('the JavaScript before the card’s QR stays within 50 KB gzip, without supabase-js', () => {
	// The build global.setup made and the preview serves.
	const { files, total } = cardPathSize();
	const listing = files.map((f) => `${f.file} ${f.gzip} B`).join('\n');
	expect(
		files.filter((f) => f.supabase),
		listing
	).toEqual([]);
	expect(total, listing).toBeLessThanOrEqual(CARD_PATH_BUDGET_BYTES);
});
