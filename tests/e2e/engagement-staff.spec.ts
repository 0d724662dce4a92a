import { expect, test } from '@playwright/test';
import { axeCleanInFaAndEn, signInSeeded } from './helpers';

test('the owner opens a draw, sees a past draw’s winners, and edits a survey and reads its results', async ({
	page
}) => {
	await signInSeeded(page, '+989120000003');
	await page.goto('/staff/cafe-vafa/engagement');
	await page.getByRole('link', { name: /قرعه‌کشی‌ها/ }).click();
	const list = page.getByTestId('admin-lotteries');
	await expect(list).toContainText('قرعه‌کشی ماه گذشته');
	await axeCleanInFaAndEn(page, () => expect(page.getByTestId('admin-lotteries')).toBeVisible());

	await page.getByLabel('عنوان').fill('قرعه‌کشی آزمایشی');
	await page.getByLabel('تاریخ و ساعت قرعه‌کشی').fill('2035-01-01T12:00');
	await page.getByLabel(/امتیاز هر شانس/).fill('15');
	await page.getByRole('button', { name: 'باز کردن قرعه‌کشی' }).click();
	await expect(page.getByText('قرعه‌کشی باز شد.')).toBeVisible();
	await expect(list).toContainText('قرعه‌کشی آزمایشی');

	await list.getByRole('link', { name: 'قرعه‌کشی ماه گذشته' }).click();
	await expect(page.getByTestId('admin-winners').getByRole('listitem')).toHaveCount(1);
	await axeCleanInFaAndEn(page, () => expect(page.getByTestId('admin-winners')).toBeVisible());

	await page.goto('/staff/cafe-vafa/engagement/surveys');
	const surveys = page.getByTestId('admin-surveys');
	await expect(surveys).toContainText('نظر شما دربارهٔ این خرید');
	await surveys.getByRole('button', { name: 'ویرایش' }).first().click();
	await page.getByRole('button', { name: 'افزودن پرسش' }).click();
	await page.getByLabel('پرسش ۴').fill('دوباره می‌آیید؟');
	await page.getByLabel('گزینه‌ها، هر خط یکی').last().fill('بله\nشاید');
	await page.getByRole('button', { name: 'ذخیره' }).click();
	await expect(surveys.getByRole('button', { name: 'ویرایش' }).first()).toHaveAttribute(
		'aria-expanded',
		'false'
	);
	await surveys.getByRole('link', { name: 'نتایج' }).first().click();
	await expect(page.getByTestId('survey-nps')).toBeVisible();
	await expect(page.getByText('دوباره می‌آیید؟')).toBeVisible();
	await axeCleanInFaAndEn(page, () => expect(page.getByTestId('survey-nps')).toBeVisible());
});
