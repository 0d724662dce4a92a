import { expect, test } from '@playwright/test';
import { axeViolations, createMember, freshPhone, signInSeeded, signInThroughApp } from './helpers';

const stackUrl = () => process.env.VAFA_STACK_URL as string;
const serviceKey = () => process.env.VAFA_SERVICE_ROLE_KEY as string;

/** Marks a member of cafe-vafa as last seen `days` ago, as if they stopped coming. */
async function lastSeen(memberNumber: number, days: number) {
	const response = await fetch(
		`${stackUrl()}/rest/v1/members?member_number=eq.${memberNumber}&program_id=eq.22222222-2222-4222-8222-000000000001`,
		{
			method: 'PATCH',
			headers: {
				apikey: serviceKey(),
				authorization: `Bearer ${serviceKey()}`,
				'content-type': 'application/json'
			},
			body: JSON.stringify({
				last_activity_at: new Date(Date.now() - days * 86_400_000).toISOString()
			})
		}
	);
	if (!response.ok) throw new Error(`could not age the member: ${await response.text()}`);
}

test('a manager sends a win-back campaign that holds nobody back, the lapsed member reads it in the inbox, and both screens are axe-clean in Persian and English', async ({
	page
}) => {
	const phone = freshPhone();
	const memberNumber = 10_000 + Math.floor(Math.random() * 80_000);
	await createMember(phone, memberNumber);
	await lastSeen(memberNumber, 400);

	await signInSeeded(page, '+989120000003');
	await page.goto('/staff/cafe-vafa/engagement/campaigns');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('کمپین‌های بازگشت مشتری');
	await expect(page.getByTestId('campaign-list')).toContainText('بازگشت مشتریان ۴۵ روزه');
	expect(await axeViolations(page)).toEqual([]);
	// The page fits a phone's width: the staff navigation scrolls on its own.
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
		await page.evaluate(() => document.documentElement.clientWidth)
	);

	const form = page.getByTestId('campaign-form');
	await form.getByLabel('نام کمپین').fill('بازگشت ۳۰۰ روزه');
	await form.getByLabel('حداقل روز از آخرین مراجعه').fill('300');
	await form.getByLabel('درصد گروه کنترل').fill('0');
	await form.getByLabel('امتیاز هدیه').fill('25');
	await expect(page.getByTestId('segment-size')).toContainText('عضو');
	await form.getByRole('button', { name: 'ذخیرهٔ پیش‌نویس' }).click();
	const item = page
		.getByTestId('campaign-list')
		.getByRole('listitem')
		.filter({ hasText: 'بازگشت ۳۰۰ روزه' });
	await item.getByRole('button', { name: 'ارسال کمپین' }).click();
	await expect(page.getByTestId('campaign-notice')).toContainText('گروه کنترل');
	await item.getByRole('button', { name: 'نمایش نتیجه' }).click();
	await expect(item.getByTestId('campaign-report')).toBeVisible();
	expect(await axeViolations(page)).toEqual([]);

	await page.getByLabel(/زبان/).selectOption('en');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Win-back campaigns');
	await expect(item.getByTestId('campaign-report')).toContainText('Control');
	expect(await axeViolations(page)).toEqual([]);
	await page.getByLabel(/Language/).selectOption('fa');

	await page.context().clearCookies();
	await page.evaluate(() => localStorage.removeItem('vafa:auth'));
	await signInThroughApp(page, phone);
	const tab = page.getByTestId('inbox-tab');
	await expect(tab).toContainText('۱');
	await tab.click();
	await expect(page).toHaveURL(/\/inbox/);
	const message = page.getByTestId('inbox-message').first();
	await expect(message).toContainText('دلمان برایتان تنگ شده');
	await expect(message).toContainText('۲۵ امتیاز هدیه');
	await expect(page.getByTestId('inbox-unread')).toContainText('۱');
	expect(await axeViolations(page)).toEqual([]);

	await message.getByRole('button', { name: 'خواندم' }).click();
	await expect(page.getByTestId('inbox-unread')).toHaveText('همهٔ پیام‌ها خوانده شده‌اند');
	await expect(tab).not.toContainText('۱');

	await page.getByLabel(/زبان/).selectOption('en');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Inbox');
	expect(await axeViolations(page)).toEqual([]);
});

test('a customer opts out of SMS for a club and the choice is kept', async ({ page }) => {
	const phone = freshPhone();
	await createMember(phone, 10_000 + Math.floor(Math.random() * 80_000));
	await signInThroughApp(page, phone);
	await page.getByTestId('inbox-tab').click();
	await expect(page.getByTestId('inbox-empty')).toBeVisible();
	const prefs = page.getByTestId('inbox-preferences');
	await prefs.getByLabel('پیامک').uncheck();
	await prefs.getByRole('button', { name: 'ذخیره' }).click();
	await expect(prefs.getByRole('status')).toHaveText('ذخیره شد.');
	await page.reload();
	await expect(page.getByTestId('inbox-preferences').getByLabel('پیامک')).not.toBeChecked();
	await expect(page.getByTestId('inbox-preferences').getByLabel('در این صفحه')).toBeChecked();
	expect(await axeViolations(page)).toEqual([]);
});

test('moving between the tabs asks for the unread count once a minute, not on every screen', async ({
	page
}) => {
	const phone = freshPhone();
	await createMember(phone, 10_000 + Math.floor(Math.random() * 80_000));
	const asked: string[] = [];
	page.on('request', (request) => {
		if (request.url().includes('/rest/v1/rpc/my_unread_count')) asked.push(request.url());
	});
	await signInThroughApp(page, phone);
	await expect.poll(() => asked.length).toBe(1);
	for (const [tab, url] of [
		['تاریخچه', /\/history\//],
		['کارت', /\/card/],
		['حساب من', /\/profile/],
		['کارت', /\/card/]
	] as const) {
		await page.getByRole('link', { name: tab, exact: true }).first().click();
		await expect(page).toHaveURL(url);
		await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
		// Any count request this screen would make has gone out by then.
		await page.waitForLoadState('networkidle');
	}
	expect(asked).toHaveLength(1);
	// That reading the inbox updates the count at once is the win-back test's last step.
});

test('an owner edits a template, reads the outbox and sets birthday gifts; both screens are axe-clean in Persian and English', async ({
	page
}) => {
	await signInSeeded(page, '+989120000003');
	await page.goto('/staff/cafe-vafa/engagement/messages');
	await expect(page.getByTestId('template-list')).toContainText('winback');
	await expect(page.getByTestId('outbox')).toBeVisible();
	expect(await axeViolations(page)).toEqual([]);

	const welcome = page
		.getByTestId('template-list')
		.getByRole('listitem')
		.filter({ hasText: 'به {club} خوش آمدید' });
	await welcome.getByRole('button', { name: 'ویرایش' }).click();
	const form = page.getByTestId('template-form');
	await form.getByLabel('متن').fill('{name} عزیز، خوش آمدید! {points} امتیاز دارید.');
	await form.getByRole('button', { name: 'ذخیرهٔ قالب' }).click();
	await expect(page.getByText('قالب ذخیره شد.')).toBeVisible();
	await expect(page.getByTestId('template-list')).toContainText('{name} عزیز، خوش آمدید!');

	await page.goto('/staff/cafe-vafa/engagement/birthdays');
	const settings = page.getByTestId('birthday-settings');
	await expect(settings.getByLabel('هدیهٔ تولد بدهید')).toBeChecked();
	await settings.getByLabel('ماه تولد').check();
	await settings.getByLabel('امتیاز هدیه').fill('80');
	await settings.getByRole('button', { name: 'ذخیره' }).click();
	await expect(page.getByText('ذخیره شد.')).toBeVisible();
	await page.reload();
	await expect(page.getByTestId('birthday-settings').getByLabel('ماه تولد')).toBeChecked();
	await expect(page.getByTestId('birthday-settings').getByLabel('امتیاز هدیه')).toHaveValue('80');
	expect(await axeViolations(page)).toEqual([]);

	await page.getByLabel(/زبان/).selectOption('en');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Birthday gifts');
	expect(await axeViolations(page)).toEqual([]);
	await page.goto('/staff/cafe-vafa/engagement/messages');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Messages and templates');
	expect(await axeViolations(page)).toEqual([]);
});
