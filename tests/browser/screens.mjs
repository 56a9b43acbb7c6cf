// tests/browser/screens.mjs - the screenshots of an issue note: the
// home page, the order entry and the held queue, in English and in
// Chinese, of a running demo (scripts/demo).  JPEG, one screen each.
//
//   node screens.mjs BASE_URL LOGIN PASSWORD OUT_PREFIX
//
// LOGIN should be a salesperson with orders (demo-data's li.wei); the
// held queue is shown to the same user.
import { chromium } from 'playwright-core';

const [base, login, password, out] = process.argv.slice(2);
if (!out) {
	console.error('usage: node screens.mjs BASE_URL LOGIN PASSWORD OUT_PREFIX');
	process.exit(2);
}
const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
	args: ['--no-sandbox', '--disable-gpu'],
});
try {
	for (const lang of ['en-US', 'zh-CN']) {
		const ctx = await browser.newContext({
			viewport: { width: 1280, height: 860 }, locale: lang });
		const page = await ctx.newPage();
		await page.goto(`${base}/login`);
		await page.fill('#login', login);
		await page.fill('#password', password);
		await page.click('button[type=submit]');
		await page.waitForLoadState();
		const tag = lang.slice(0, 2);
		await page.screenshot({ path: `${out}home-${tag}.jpg`, quality: 70 });
		await page.goto(`${base}/orders/new`);
		const pick = page.locator('input.pick').first();
		if (await pick.count()) {
			await pick.fill('Comp');
			await page.locator('[role=listbox] [role=option]').first().waitFor();
		}
		await page.screenshot({ path: `${out}order-entry-${tag}.jpg`, quality: 70 });
		await page.goto(`${base}/orders/held`);
		await page.screenshot({ path: `${out}held-${tag}.jpg`, quality: 70 });
		await ctx.close();
	}
} finally {
	await browser.close();
}
