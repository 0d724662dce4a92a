import { chromium, expect, test } from '@playwright/test';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
	axeViolations,
	codeFromOutbox,
	createMember,
	freshPhone,
	serviceWorkerReady,
	toPersianDigits
} from './helpers';

test('a customer signs in with the code from the outbox, sees the card, and still sees it offline', async ({
	page,
	context
}) => {
	const phone = freshPhone();
	const memberNumber = 2000 + Math.floor(Math.random() * 7000);
	await createMember(phone, memberNumber);

	await page.goto('/');
	await expect(page).toHaveURL(/\/sign-in/);
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	// Typed as a person in Iran would: Persian digits, local format.
	await page.getByLabel('شماره موبایل').fill(toPersianDigits(`0${phone.slice(3)}`));
	await page.getByRole('button', { name: /ارسال|دریافت/ }).click();

	const code = await codeFromOutbox(phone);
	await page.getByLabel(/کد/).fill(code);
	await page.getByRole('button', { name: /ورود|تأیید|تایید/ }).click();

	await expect(page).toHaveURL(/\/card/);
	const card = page.getByTestId('member-card');
	await expect(card).toBeVisible();
	await expect(card.getByTestId('member-number')).toHaveAttribute(
		'data-member-number',
		String(memberNumber)
	);
	await expect(card.getByTestId('member-number')).toContainText(
		toPersianDigits(String(memberNumber))
	);
	await expect(card.getByTestId('member-qr')).toBeVisible();

	await serviceWorkerReady(page);
	await context.setOffline(true);
	// A reload as the person makes it: Playwright's own reload can reach the network past the worker.
	await page.evaluate(() => location.reload());
	await page.waitForLoadState('load');
	await expect(page.getByTestId('member-card')).toBeVisible();
	await expect(page.getByTestId('member-number')).toHaveAttribute(
		'data-member-number',
		String(memberNumber)
	);
	await context.setOffline(false);
});

test('the demo customer signs in with the test code and the card is axe-clean in Persian and English', async ({
	page
}) => {
	await page.goto('/sign-in');
	expect(await axeViolations(page)).toEqual([]);
	await page.getByLabel('شماره موبایل').fill('+989120000001');
	await page.getByRole('button', { name: /ارسال|دریافت/ }).click();
	await page.getByLabel(/کد/).fill('123456');
	await page.getByRole('button', { name: /ورود|تأیید|تایید/ }).click();
	await expect(page.getByTestId('member-number')).toHaveAttribute('data-member-number', '1001');
	await expect(page.getByTestId('member-card')).toContainText('کافه وفا');
	expect(await axeViolations(page)).toEqual([]);

	await page.getByLabel(/زبان|Language/).selectOption('en');
	await expect(page.locator('html')).toHaveAttribute('lang', 'en');
	await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
	await expect(page.getByTestId('member-number')).toContainText('1001');
	expect(await axeViolations(page)).toEqual([]);
});

test('the language choice persists and the layout mirrors in Persian and Hebrew', async ({
	page
}) => {
	await page.goto('/sign-in');
	const box = async () => (await page.getByLabel(/Language|זבן|زبان|שפה/).boundingBox())!;
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	const rtlX = (await box()).x;

	await page.getByLabel(/زبان/).selectOption('en');
	await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
	const ltrX = (await box()).x;
	expect(ltrX).not.toBe(rtlX);

	await page.getByLabel(/Language/).selectOption('he');
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(page.locator('html')).toHaveAttribute('lang', 'he');
	await page.reload();
	await expect(page.locator('html')).toHaveAttribute('lang', 'he');
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	expect((await box()).x).toBe(rtlX);
	expect(await axeViolations(page)).toEqual([]);
});

test('Chromium finds the app installable', async ({ baseURL }) => {
	// A new context always answers "in-incognito"; the check needs a persistent profile.
	const profile = mkdtempSync(join(tmpdir(), 'vafa-install-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update']
	});
	try {
		const page = await context.newPage();
		await page.goto(`${baseURL}/sign-in`);
		await serviceWorkerReady(page);
		const cdp = await context.newCDPSession(page);
		const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
		expect(installabilityErrors).toEqual([]);
		const manifest = await (await page.request.get(`${baseURL}/manifest.webmanifest`)).json();
		expect(manifest.shortcuts.map((s: { url: string }) => s.url)).toContain('/card');
		expect(manifest.icons.some((i: { purpose?: string }) => i.purpose?.includes('maskable'))).toBe(
			true
		);
	} finally {
		await context.close();
		rmSync(profile, { recursive: true, force: true });
	}
});

test('the sign-in page loads the phone checker only when the number field is used, and refuses a wrong number before sending', async ({
	page
}) => {
	// The chunks of the build under test that carry libphonenumber-js (its metadata names it).
	const dir = '.svelte-kit/output/client/_app/immutable/chunks';
	const checker = readdirSync(dir).filter((file) =>
		readFileSync(join(dir, file), 'utf8').includes('libphonenumber')
	);
	expect(checker.length).toBeGreaterThan(0);
	const metadata: string[] = [];
	page.on('request', (request) => {
		if (checker.some((file) => request.url().endsWith(`/${file}`))) metadata.push(request.url());
	});
	const sent: string[] = [];
	page.on('request', (request) => {
		if (request.url().includes('/auth/v1/otp')) sent.push(request.url());
	});
	await page.goto('/sign-in');
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	expect(metadata).toEqual([]);

	await page.getByLabel('شماره موبایل').fill('۰۹۱۲۳');
	await page.getByRole('button', { name: /ارسال|دریافت/ }).click();
	await expect(page.getByText('این شمارهٔ موبایل درست نیست')).toBeVisible();
	await expect(page.getByLabel('شماره موبایل')).toHaveAttribute('aria-invalid', 'true');
	await expect.poll(() => metadata.length).toBeGreaterThan(0);
	expect(sent).toEqual([]);
});
