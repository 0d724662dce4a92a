import { expect, test, type Page } from '@playwright/test';
import {
	axeViolations,
	checkout,
	codeFromOutbox,
	createMember,
	freshPhone,
	toPersianDigits
} from './helpers';

const CLUB = '22222222-2222-4222-8222-000000000001';

/** A new manager of cafe-vafa (made with the service role), signed in through the app. */
async function signInAsNewManager(page: Page, section: string) {
	const phone = freshPhone();
	const service = process.env.VAFA_SERVICE_ROLE_KEY as string;
	const headers = {
		apikey: service,
		authorization: `Bearer ${service}`,
		'content-type': 'application/json'
	};
	const url = process.env.VAFA_STACK_URL as string;
	const created = await fetch(`${url}/auth/v1/admin/users`, {
		method: 'POST',
		headers,
		body: JSON.stringify({ phone, phone_confirm: true })
	});
	const { id } = (await created.json()) as { id: string };
	const staff = await fetch(`${url}/rest/v1/program_staff`, {
		method: 'POST',
		headers,
		body: JSON.stringify({ program_id: CLUB, user_id: id, role: 'manager' })
	});
	if (!staff.ok) throw new Error(`staff insert failed: ${await staff.text()}`);

	await page.goto(`/staff/cafe-vafa/${section}`);
	await expect(page).toHaveURL(/\/sign-in/);
	await page.getByLabel('شماره موبایل').fill(phone);
	await page.getByRole('button', { name: /ارسال|دریافت/ }).click();
	await page.getByLabel(/کد/).fill(await codeFromOutbox(phone));
	await page.getByRole('button', { name: /ورود|تأیید|تایید/ }).click();
	await expect(page).toHaveURL(new RegExp(`/staff/cafe-vafa/${section}`));
}

async function expectAxeClean(page: Page, screen: string) {
	expect({ screen, violations: await axeViolations(page) }).toEqual({ screen, violations: [] });
}

test('a manager finds a member by phone in Persian digits, sees their history and adjusts their points', async ({
	page
}) => {
	const phone = freshPhone();
	const memberNumber = 20_000 + Math.floor(Math.random() * 70_000);
	await createMember(phone, memberNumber);
	expect((await checkout(phone, 500_000)).status).toBe(200);

	await signInAsNewManager(page, 'members');
	await expect(page.getByRole('heading', { level: 1, name: 'اعضا' })).toBeVisible();
	await expect(page.getByTestId('approvals')).toContainText('چیزی در انتظار تأیید نیست');
	await expectAxeClean(page, 'members, empty');

	await page.getByLabel('نام، موبایل یا شماره عضویت').fill(toPersianDigits(`0${phone.slice(3)}`));
	await page.getByRole('button', { name: 'جستجو' }).click();
	const results = page.getByTestId('member-results');
	await expect(results.getByRole('row')).toHaveCount(2);
	await expect(results).toContainText(phone);
	await expect(page).toHaveURL(/\?q=/);
	const searched = page.url();
	await expectAxeClean(page, 'members, results');

	await results.getByRole('link', { name: toPersianDigits(String(memberNumber)) }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(
		`عضو ${toPersianDigits(String(memberNumber))}`
	);
	const history = page.getByTestId('member-history');
	await expect(history.locator('li').first()).toBeVisible();
	const before = Number(
		(await page.getByTestId('member-points').innerText()).replace(/[۰-۹]/g, (d) =>
			String('۰۱۲۳۴۵۶۷۸۹'.indexOf(d))
		)
	);
	await expectAxeClean(page, 'member profile');

	await page.getByLabel('امتیاز (منفی برای کسر)').fill('۵۰');
	await page.getByLabel(/دلیل/).fill('رسید گم شده بود');
	await page.getByRole('button', { name: 'اصلاح امتیاز' }).click();
	await expect(page.getByTestId('adjust-result')).toContainText('اصلاح شد');
	await expect(page.getByTestId('member-points')).toHaveText(toPersianDigits(String(before + 50)));
	await expect(history.locator('li[data-reason="manual.adjustment"]')).toContainText(
		'رسید گم شده بود'
	);

	// The search is kept in the address, so the list can be opened again as it was.
	await page.getByRole('link', { name: 'بازگشت به اعضا' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'اعضا' })).toBeVisible();
	await page.goto(searched);
	await expect(page.getByTestId('member-results')).toContainText(phone);
});

test('a manager imports a small CSV through the screen and sees the bad row reported by line', async ({
	page
}) => {
	await signInAsNewManager(page, 'import');
	await expect(page.getByRole('heading', { level: 1, name: 'ورود و خروج اطلاعات' })).toBeVisible();
	await expectAxeClean(page, 'import');

	const [good1, good2] = [freshPhone(), freshPhone()];
	const csv = [
		'phone,name,birthday,points',
		`${good1},نگار,1370/05/12,120`,
		'0912-not-a-number,بد,,',
		`${toPersianDigits('0' + good2.slice(3))},Dana,1990-02-28,`
	].join('\n');
	await page.getByLabel('فایل CSV', { exact: true }).setInputFiles({
		name: 'members.csv',
		mimeType: 'text/csv',
		buffer: Buffer.from('\uFEFF' + csv)
	});
	await expect(page.getByTestId('import-checked')).toContainText('۳ سطر خوانده شد');
	await page.getByRole('button', { name: 'ورود ۲ عضو' }).click();
	await expect(page.getByTestId('import-done')).toContainText('۲ عضو تازه');
	const report = page.getByTestId('import-report');
	await expect(report.locator('tbody tr')).toHaveCount(1);
	await expect(report.locator('tr[data-line="3"]')).toContainText('شمارهٔ موبایل معتبر نیست');
	await expectAxeClean(page, 'import, report');

	// The same file again adds nobody.
	await page.getByLabel('فایل CSV', { exact: true }).setInputFiles({
		name: 'members.csv',
		mimeType: 'text/csv',
		buffer: Buffer.from('\uFEFF' + csv)
	});
	await page.getByRole('button', { name: 'ورود ۲ عضو' }).click();
	await expect(page.getByTestId('import-done')).toContainText('۰ عضو تازه، ۲ از قبل عضو');

	const download = page.waitForEvent('download');
	await page.getByRole('button', { name: 'خروجی گرفتن از اعضا' }).click();
	const file = await download;
	const text = await (await file.createReadStream()).toArray();
	const exported = Buffer.concat(text).toString('utf8');
	expect(exported.startsWith('\uFEFFphone,name,')).toBe(true);
	expect(exported).toContain(`${good1},نگار,1991-08-03,`);
});

test('the analytics page shows the figures and charts, axe-clean in Persian and English', async ({
	page
}) => {
	await signInAsNewManager(page, 'analytics');
	for (const locale of ['fa', 'en'] as const) {
		await page.evaluate((l) => localStorage.setItem('vafa:locale', l), locale);
		await page.goto('/staff/cafe-vafa/analytics');
		await expect(page.locator('html')).toHaveAttribute('lang', locale);
		const figures = page.getByTestId('figures');
		await expect(figures).toBeVisible();
		// The seed's member and purchases are in the last 30 days.
		await expect(figures.locator('[data-figure="members_total"] dd')).not.toHaveText(
			locale === 'fa' ? '۰' : '0'
		);
		const visits = page.getByTestId('chart-visits');
		await expect(visits.locator('svg[role="img"]')).toHaveAttribute('aria-label', /\S/);
		expect(await visits.locator('svg rect').count()).toBeGreaterThan(0);
		await expectAxeClean(page, `analytics ${locale}`);

		await page
			.getByTestId('chart-visits')
			.getByText(/جدول|table/)
			.click();
		await expect(page.getByTestId('chart-visits').locator('table')).toBeVisible();
		await page.getByLabel(locale === 'fa' ? 'بازه' : 'Period').selectOption({ index: 5 });
		await expect(page.getByTestId('period-shown')).toContainText(
			locale === 'fa' ? /۱۴۰[۴-۹]/ : /20\d\d/
		);
		await expect(figures).toBeVisible();
		await expectAxeClean(page, `analytics ${locale}, a month`);
	}
});
