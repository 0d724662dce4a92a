import { expect, test, type Page } from '@playwright/test';
import {
	axeCleanInFaAndEn,
	checkout,
	codeFromOutbox,
	createMember,
	freshPhone,
	referralCodeOf,
	signInThroughApp
} from './helpers';

/** A new member of cafe-vafa signed in on the card screen; their phone, number and member id. */
async function newMember(page: Page) {
	const phone = freshPhone();
	const memberNumber = 10_000 + Math.floor(Math.random() * 80_000);
	await createMember(phone, memberNumber);
	await signInThroughApp(page, phone);
	const href = await page.getByRole('link', { name: 'تاریخچه' }).getAttribute('href');
	return { phone, memberNumber, memberId: href!.split('/').pop()! };
}

/** Signs a new phone in through the auth API with the code from the outbox; its access token. */
async function signInByApi(phone: string): Promise<string> {
	const headers = { apikey: process.env.VAFA_ANON_KEY!, 'content-type': 'application/json' };
	await fetch(`${process.env.VAFA_STACK_URL}/auth/v1/otp`, {
		method: 'POST',
		headers,
		body: JSON.stringify({ phone })
	});
	const verified = await fetch(`${process.env.VAFA_STACK_URL}/auth/v1/verify`, {
		method: 'POST',
		headers,
		body: JSON.stringify({ phone, token: await codeFromOutbox(phone), type: 'sms' })
	});
	if (!verified.ok) throw new Error(`sign-in failed: ${await verified.text()}`);
	return ((await verified.json()) as { access_token: string }).access_token;
}

test('a member sees their referral code and counts, and a friend who joins with it is counted', async ({
	page,
	context
}) => {
	await context.grantPermissions(['clipboard-read', 'clipboard-write']);
	const me = await newMember(page);
	const code = await referralCodeOf(me.memberNumber);
	await page.getByRole('link', { name: 'دعوت از دوستان' }).click();
	await expect(page.getByTestId('referral-code')).toHaveText(code);
	await expect(page.getByTestId('referral-share-link')).toHaveText(
		new RegExp(`/join/cafe-vafa\\?ref=${code}$`)
	);
	await expect(page.getByTestId('referral-joined')).toHaveText('۰');

	const friendPhone = freshPhone();
	const token = await signInByApi(friendPhone);
	const joined = await fetch(`${process.env.VAFA_STACK_URL}/rest/v1/rpc/join_program`, {
		method: 'POST',
		headers: {
			apikey: process.env.VAFA_ANON_KEY!,
			authorization: `Bearer ${token}`,
			'content-type': 'application/json'
		},
		body: JSON.stringify({ p_program_slug: 'cafe-vafa', p_referral_code: code })
	});
	expect(joined.status).toBe(200);

	await page.reload();
	await expect(page.getByTestId('referral-joined')).toHaveText('۱');
	await expect(page.getByTestId('referral-rewarded')).toHaveText('۰');
	await page.getByRole('button', { name: 'کپی لینک' }).click();
	await expect(page.getByText('لینک کپی شد.')).toBeVisible();
	await expect(page.getByTestId('referral-invited')).toHaveText('۱');

	// The friend's first purchase rewards both sides, and the count follows.
	expect((await checkout(friendPhone, 2_000_000)).status).toBe(200);
	await page.reload();
	await expect(page.getByTestId('referral-rewarded')).toHaveText('۱');

	await axeCleanInFaAndEn(page, () => expect(page.getByTestId('referral-code')).toBeVisible());
});

test('a member answers the survey about a purchase once, in the app', async ({ page }) => {
	const me = await newMember(page);
	expect((await checkout(me.phone, 3_000_000)).status).toBe(200);
	await page.getByRole('link', { name: 'نظرسنجی‌ها' }).click();
	const pending = page.getByTestId('survey-pending');
	await expect(pending).toHaveCount(1);
	await pending.getByRole('button', { name: 'پاسخ دادن' }).click();
	await axeCleanInFaAndEn(page, async () => {
		await page.getByTestId('survey-pending').getByRole('button').first().click();
		await expect(page.getByRole('radio').first()).toBeVisible();
	});

	// The check leaves the page in Persian with the survey open (its `ready`).
	await page.getByRole('button', { name: 'ارسال' }).click();
	await expect(page.getByText('ابتدا امتیازی از ۰ تا ۱۰ انتخاب کنید.')).toBeVisible();
	await page.getByRole('radio', { name: '۹', exact: true }).check();
	await page.getByRole('radio', { name: 'کیک' }).check();
	await page.getByRole('radio', { name: '۵ از ۵' }).check();
	await page.getByLabel(/حرف دیگری/).fill('عالی بود');
	await page.getByRole('button', { name: 'ارسال' }).click();
	await expect(page.getByTestId('survey-thanks')).toHaveText('سپاس! پاسخ‌های شما ثبت شد.');
	await expect(page.getByTestId('survey-pending')).toHaveCount(0);
	await expect(page.getByText('نظرسنجی‌ای در انتظار شما نیست.')).toBeVisible();
	await page.reload();
	await expect(page.getByText('نظرسنجی‌ای در انتظار شما نیست.')).toBeVisible();
});

test('a member checks last month’s draw in the browser from its revealed seed', async ({
	page
}) => {
	const me = await newMember(page);
	await page.goto(`/lotteries/${me.memberId}`);
	const past = page.getByTestId('lottery-past').filter({ hasText: 'قرعه‌کشی ماه گذشته' });
	await expect(past.getByTestId('lottery-seed')).toHaveText(/^[0-9a-f]{64}$/);
	await past.getByRole('button', { name: 'بررسی قرعه‌کشی در مرورگر من' }).click();
	await expect(past.getByTestId('lottery-verification')).toHaveAttribute('data-ok', 'true');
	await expect(past.getByTestId('lottery-verification')).toContainText('تأیید شد');
	await expect(page.getByTestId('lottery-open').filter({ hasText: 'قرعه‌کشی هفتگی' })).toHaveCount(
		1
	);

	await axeCleanInFaAndEn(page, async () => {
		await expect(page.getByTestId('lottery-seed').first()).toBeVisible();
		await page.getByTestId('lottery-past').first().getByRole('button').click();
		await expect(page.getByTestId('lottery-verification').first()).toHaveAttribute(
			'data-ok',
			'true'
		);
	});
});

test('a member who opens their own or a friend’s link is told why the code does not apply, and goes on without it', async ({
	page
}) => {
	const me = await newMember(page);
	await page.goto(`/join/cafe-vafa?ref=${await referralCodeOf(me.memberNumber)}`);
	await page.getByRole('button', { name: 'عضو شوید' }).click();
	await expect(page.getByRole('alert')).toHaveText(
		'این کد خودتان است. آن را برای دوستتان بفرستید.'
	);

	await page.goto(`/join/cafe-vafa?ref=${await referralCodeOf(1001)}`);
	await page.getByRole('button', { name: 'عضو شوید' }).click();
	await expect(page.getByRole('alert')).toContainText('این شماره قبلاً عضو این باشگاه بوده است');
	await page.getByRole('button', { name: 'عضویت بدون کد دوست' }).click();
	await expect(page).toHaveURL(/\/card/);
});
