/**
 * The owner's desk (issue 6) in Chromium: a reward created in the UI reaches a customer's
 * catalogue, the rules preview shows the figure the rules engine computes, and every admin screen
 * is axe-clean in Persian and English, mirrored right to left in Persian.
 */
import { expect, test } from '@playwright/test';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { evaluate } from '../../supabase/functions/_shared/rules/engine.ts';
import type { RuleSet, RuleSetInput } from '../../supabase/functions/_shared/rules/schema.ts';
import {
	axeViolations,
	codeFromOutbox,
	freshPhone,
	signInSeeded,
	toPersianDigits
} from './helpers';

const OWNER = '+989120000003';
const CUSTOMER = '+989120000001';
const SECTIONS = ['rewards', 'tiers', 'rules', 'staff', 'poster'] as const;

test.use({ viewport: { width: 1280, height: 900 } });

/** Reads through PostgREST with the service role, as a check independent of the app. */
async function serviceGet<T>(path: string): Promise<T> {
	const key = process.env.VAFA_SERVICE_ROLE_KEY as string;
	const response = await fetch(`${process.env.VAFA_STACK_URL}/rest/v1/${path}`, {
		headers: { apikey: key, authorization: `Bearer ${key}` }
	});
	if (!response.ok) throw new Error(`${path}: ${await response.text()}`);
	return (await response.json()) as T;
}

test('the owner creates a reward and the customer then sees it in the catalogue', async ({
	browser
}) => {
	const name = `چای ماسالا ${Math.floor(Math.random() * 1e6)}`;
	const owner = await browser.newPage();
	await signInSeeded(owner, OWNER);
	await owner.goto('/staff/cafe-vafa/rewards');
	await owner.getByRole('button', { name: 'جایزهٔ تازه' }).click();
	const form = owner.getByTestId('reward-form');
	// Submitting empty names the missing fields beside them and saves nothing.
	await form.getByRole('button', { name: 'ذخیره' }).click();
	await expect(form.locator('#reward-name-error')).toBeVisible();
	await expect(form.locator('#reward-name')).toBeFocused();

	await form.getByLabel('نام', { exact: true }).fill(name);
	await form.getByLabel('توضیح').fill('یک لیوان چای ماسالا');
	await form.getByLabel('امتیاز لازم').fill('۶۰');
	await form.getByLabel('موجودی').fill('۲۰');
	await form.getByRole('button', { name: 'ذخیره' }).click();
	await expect(owner.getByTestId('admin-notice')).toContainText(name);
	await expect(owner.getByTestId('rewards-active')).toContainText(name);
	await expect(owner.getByTestId('rewards-active')).toContainText('۶۰ امتیاز');

	const [stored] = await serviceGet<{ points_cost: number; stock: number; active: boolean }[]>(
		`rewards?name=eq.${encodeURIComponent(name)}&select=points_cost,stock,active`
	);
	expect(stored).toEqual({ points_cost: 60, stock: 20, active: true });

	const customer = await browser.newPage();
	await signInSeeded(customer, CUSTOMER);
	await customer.getByRole('link', { name: 'جایزه‌ها' }).first().click();
	const reward = customer.getByTestId('reward').filter({ hasText: name });
	await expect(reward).toBeVisible();
	await expect(reward).toContainText('۶۰');
	await owner.close();
	await customer.close();
});

test('the rules preview shows the figure the rules engine computes for a Silver member at Nowruz', async ({
	page
}) => {
	await signInSeeded(page, OWNER);
	await page.goto('/staff/cafe-vafa/rules');
	const preview = page.getByTestId('rules-preview');
	await preview.getByLabel('مبلغ خرید (تومان)').fill('۵۰۰۰۰۰');
	await preview.getByLabel('سطح عضو').selectOption({ label: 'نقره‌ای' });
	// 2 Farvardin 1406 (22 March 2027), noon in Tehran: inside the seeded Nowruz campaign.
	await preview.locator('#preview-day-year').selectOption('1406');
	await preview.locator('#preview-day-month').selectOption('1');
	await preview.locator('#preview-day-day').selectOption('2');
	await preview.getByLabel('ساعت').fill('12:00');

	const [inForce] = await serviceGet<{ rules: RuleSetInput; version: number }[]>(
		'earning_rules?program_id=eq.22222222-2222-4222-8222-000000000001&effective_from=lte.now&select=rules,version&order=effective_from.desc,version.desc&limit=1'
	);
	const [silver] = await serviceGet<{ rank: number; multiplier: number }[]>(
		'tiers?program_id=eq.22222222-2222-4222-8222-000000000001&rank=eq.1&select=rank,multiplier'
	);
	const expected = evaluate({
		purchase: { amount: 5_000_000, at: new Date('2027-03-22T08:30:00Z') },
		member: {
			tierRank: 1,
			tierMultiplier: Number(silver.multiplier),
			visitCount: 3,
			firstPurchase: false,
			pointsEarnedToday: 0
		},
		club: { timezone: 'Asia/Tehran', locale: 'fa' },
		rules: {
			...inForce.rules,
			base: { rounding: 'floor', ...inForce.rules.base },
			tier_multiplier: inForce.rules.tier_multiplier ?? true,
			campaigns: inForce.rules.campaigns ?? []
		} as RuleSet,
		version: inForce.version + 1
	}).total;
	expect(expected).toBeGreaterThan(0);

	const sentence = preview.getByTestId('preview-sentence');
	await expect(sentence).toHaveAttribute('data-points', String(expected));
	await expect(sentence).toContainText(`${toPersianDigits(expected)} امتیاز`);
	await expect(sentence).toContainText('۵۰۰٬۰۰۰ تومان');
	await expect(sentence).toContainText('نقره‌ای');

	// A field the engine's schema refuses is marked beside it, and the preview waits for a fix.
	await page.getByLabel('به ازای هر (تومان)').fill('0');
	await expect(page.locator('#rule-per')).toHaveAttribute('aria-invalid', 'true');
	await expect(page.getByTestId('rule-error').first()).toBeVisible();
	await expect(preview.getByTestId('preview-sentence')).toHaveCount(0);
	await page.getByRole('button', { name: /انتشار/ }).click();
	await expect(page.getByTestId('admin-notice')).toContainText('ایراد');
	await expect(page.locator('#rule-per')).toBeFocused();

	// Fixed and published for a later day, it becomes a new scheduled version by the owner; the
	// version in force (which the other specs' purchases use) stays as it was.
	await page.getByLabel('به ازای هر (تومان)').fill('۱۰۰۰۰');
	await expect(preview.getByTestId('preview-sentence')).toHaveAttribute(
		'data-points',
		String(expected)
	);
	await page.getByLabel('از روز و ساعتی مشخص').check();
	await page.locator('#rules-from-year').selectOption('1410');
	await page.locator('#rules-from-month').selectOption('1');
	await page.locator('#rules-from-day').selectOption('1');
	const next = inForce.version + 1;
	await page.getByRole('button', { name: `انتشار به‌عنوان نسخهٔ ${toPersianDigits(next)}` }).click();
	await expect(page.getByTestId('admin-notice')).toContainText(
		`نسخهٔ ${toPersianDigits(next)} منتشر شد`
	);
	const row = page.locator(`[data-testid="rule-history"] tr[data-version="${next}"]`);
	await expect(row).toContainText('زمان‌بندی‌شده');
	await expect(row).toContainText('مریم');
	const [scheduled] = await serviceGet<{ effective_from: string }[]>(
		`earning_rules?program_id=eq.22222222-2222-4222-8222-000000000001&version=eq.${next}&select=effective_from`
	);
	// 1 Farvardin 1410 starts at midnight in Tehran: 20:30 UTC the day before.
	expect(new Date(scheduled.effective_from).toISOString()).toBe('2031-03-20T20:30:00.000Z');
});

test('every admin screen is axe-clean in Persian and English, mirrors right to left in Persian, and the poster’s QR opens the join link', async ({
	page
}) => {
	await signInSeeded(page, OWNER);
	for (const locale of ['fa', 'en'] as const) {
		if (locale === 'en') await page.getByLabel(/زبان|Language/).selectOption('en');
		for (const section of SECTIONS) {
			await page.goto(`/staff/cafe-vafa/${section}`);
			await expect(page.locator(`[data-section="${section}"]`)).toHaveAttribute(
				'aria-current',
				'page'
			);
			await expect(page.locator('h1')).toBeVisible();
			await expect(page.locator('html')).toHaveAttribute('dir', locale === 'fa' ? 'rtl' : 'ltr');
			const nav = (await page.locator('.staff-nav').boundingBox())!;
			const body = (await page.locator('.staff-body').boundingBox())!;
			// The section list sits at the start side: right in Persian, left in English.
			if (locale === 'fa') expect(nav.x).toBeGreaterThan(body.x);
			else expect(nav.x).toBeLessThan(body.x);
			expect(await axeViolations(page), `${section} in ${locale}`).toEqual([]);
		}
	}
	// The reward form and the poster's QR are part of their screens too.
	await page.goto('/staff/cafe-vafa/rewards');
	await page.getByRole('button', { name: 'New reward' }).click();
	await page.getByRole('button', { name: 'Save' }).click();
	expect(await axeViolations(page)).toEqual([]);
	await page.goto('/staff/cafe-vafa/poster');
	await expect(page.getByTestId('poster')).toHaveAttribute('lang', 'fa');
	await expect(page.getByTestId('poster')).toContainText('به باشگاه مشتریان ما بپیوندید');
	const png = PNG.sync.read(await page.getByTestId('poster-qr').screenshot());
	const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
	expect(decoded?.data).toBe(new URL('/join/cafe-vafa', page.url()).href);

	// Printed, the poster is one page of the chosen paper (in points: A4 595 × 842, A5 420 × 595).
	for (const [size, width, height] of [
		['a4', 595, 842],
		['a5', 420, 595]
	] as const) {
		await page.getByLabel('Paper size').selectOption(size);
		const pdf = (await page.pdf({ preferCSSPageSize: true, printBackground: true })).toString(
			'latin1'
		);
		expect(pdf.match(/\/Type\s*\/Page[^s]/g), size).toHaveLength(1);
		const box = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)/.exec(pdf);
		expect(box, size).not.toBeNull();
		expect(Math.round(Number(box![1])), size).toBe(width);
		expect(Math.round(Number(box![2])), size).toBe(height);
	}
	await page.emulateMedia({ media: 'print' });
	await expect(page.locator('.staff-nav')).toBeHidden();
	await expect(page.locator('.app-bar')).toBeHidden();
	await expect(page.getByRole('button', { name: 'Print' })).toBeHidden();
	await expect(page.getByTestId('poster')).toBeVisible();
});

test('the owner invites a new cashier by phone, who is on the staff on first signing in, and the audit log says so', async ({
	browser
}) => {
	const phone = freshPhone();
	const owner = await browser.newPage();
	await signInSeeded(owner, OWNER);
	await owner.goto('/staff/cafe-vafa/staff');
	const form = owner.getByTestId('invite-form');
	// Typed as a person in Iran would: Persian digits, the local 0 prefix.
	await form.getByLabel('شمارهٔ موبایل').fill(toPersianDigits(`0${phone.slice(3)}`));
	await form.getByLabel('نقش').selectOption('cashier');
	await form.getByRole('button', { name: 'دعوت' }).click();
	await expect(owner.getByTestId('admin-notice')).toContainText('دعوت شد');
	await expect(owner.getByTestId('invitations')).toBeVisible();

	const cashier = await browser.newPage();
	await cashier.goto('/sign-in?next=/staff/cafe-vafa');
	await cashier.getByLabel('شماره موبایل').fill(phone);
	await cashier.getByRole('button', { name: /ارسال|دریافت/ }).click();
	await cashier.getByLabel(/کد/).fill(await codeFromOutbox(phone));
	await cashier.getByRole('button', { name: /ورود|تأیید|تایید/ }).click();
	// Their staff home is the checkout (built on the cashier's branch).
	await expect(cashier).toHaveURL(/\/staff\/cafe-vafa\/checkout/);
	// A cashier's navigation has no rule editing, and a typed-in address is refused.
	await cashier.goto('/staff/cafe-vafa/rules');
	await expect(cashier.getByTestId('staff-area')).toHaveAttribute('data-role', 'cashier');
	await expect(cashier.getByTestId('staff-forbidden')).toBeVisible();
	await expect(cashier.locator('[data-section="rules"]')).toHaveCount(0);
	await expect(cashier.getByTestId('rules-editor')).toHaveCount(0);

	await owner.reload();
	await expect(owner.locator(`[data-testid="staff-member"][data-phone="${phone}"]`)).toBeVisible();
	await expect(owner.getByTestId('invitations')).toHaveCount(0);
	const log = owner.getByTestId('audit-log');
	await expect(log.locator('tr[data-action="staff.invite"]').first()).toContainText('دعوت کرد');
	await expect(log.locator('tr[data-action="staff.join"]').first()).toBeVisible();
	await owner.close();
	await cashier.close();
});
