// tests/browser/screens-sales.mjs - the screenshots of issue 12's note:
// a manager's home, the coverage, performance and win-rate reports, a
// deal with its evaluation, stages and activities, and a salesperson's
// week, in English and in Chinese, of a running demo (scripts/demo).
//
//   node screens-sales.mjs BASE_URL MANAGER SALES PASSWORD OUT_PREFIX
import { chromium } from 'playwright-core';

const [base, manager, sales, password, out] = process.argv.slice(2);
if (!out) {
	console.error('usage: node screens-sales.mjs BASE_URL MANAGER SALES'
	    + ' PASSWORD OUT_PREFIX');
	process.exit(2);
}
const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
	args: ['--no-sandbox', '--disable-gpu'],
});
async function as(ctx, user) {
	const page = await ctx.newPage();
	await page.goto(`${base}/login`);
	await page.fill('#login', user);
	await page.fill('#password', password);
	await page.click('button[type=submit]');
	await page.waitForLoadState();
	return page;
}
try {
	for (const lang of ['en-US', 'zh-CN']) {
		const tag = lang.slice(0, 2);
		let ctx = await browser.newContext({
			viewport: { width: 1280, height: 900 }, locale: lang });
		let page = await as(ctx, manager);
		await page.screenshot({ path: `${out}home-manager-${tag}.jpg`, quality: 70 });
		for (const r of ['coverage', 'performance', 'win-rate']) {
			await page.goto(`${base}/reports/${r}`);
			await page.screenshot({ path: `${out}${r}-${tag}.jpg`,
			    quality: 70, fullPage: true });
		}
		await ctx.close();
		ctx = await browser.newContext({
			viewport: { width: 1280, height: 900 }, locale: lang });
		page = await as(ctx, sales);
		await page.goto(`${base}/deals?stage=proposal`);
		await page.locator('table.list tbody tr td a').first().click();
		await page.waitForSelector('dl.record');
		await page.click('details.log summary');
		await page.screenshot({ path: `${out}deal-${tag}.jpg`,
		    quality: 70, fullPage: true });
		await page.goto(`${base}/activities/week`);
		await page.screenshot({ path: `${out}week-${tag}.jpg`, quality: 70 });
		await ctx.close();
	}
} finally {
	await browser.close();
}
