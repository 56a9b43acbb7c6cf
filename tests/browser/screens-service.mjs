// tests/browser/screens-service.mjs - the screenshots of issue 13's
// note: an agent's home and queue, a ticket with its service level,
// notices and history, the desk lead's home, escalated worklist and SLA
// report, and the customer's satisfaction page, in English and in
// Chinese, of a running demo (scripts/demo).
//
//   node screens-service.mjs BASE_URL AGENT LEAD PASSWORD OUT_PREFIX [FEEDBACK_URL]
import { chromium } from 'playwright-core';

const [base, agent, lead, password, out, feedback] = process.argv.slice(2);
if (!out) {
	console.error('usage: node screens-service.mjs BASE_URL AGENT LEAD'
	    + ' PASSWORD OUT_PREFIX [FEEDBACK_URL]');
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
const shot = (page, name, full) => page.screenshot({
	path: `${out}${name}.jpg`, quality: 70, fullPage: !!full });
try {
	for (const lang of ['en-US', 'zh-CN']) {
		const tag = lang.slice(0, 2);
		let ctx = await browser.newContext({
			viewport: { width: 1280, height: 900 }, locale: lang });
		let page = await as(ctx, agent);
		await shot(page, `home-agent-${tag}`);
		await page.goto(`${base}/tickets/queue`);
		await shot(page, `queue-${tag}`, true);
		await page.goto(`${base}/tickets?status=in_progress`);
		await page.locator('table.list tbody tr td a').first().click();
		await page.waitForSelector('section.sla');
		await shot(page, `ticket-${tag}`, true);
		await ctx.close();
		ctx = await browser.newContext({
			viewport: { width: 1280, height: 900 }, locale: lang });
		page = await as(ctx, lead);
		await shot(page, `home-lead-${tag}`);
		await page.goto(`${base}/tickets/escalated`);
		await shot(page, `escalated-${tag}`, true);
		await page.goto(`${base}/reports/sla`);
		await shot(page, `sla-${tag}`, true);
		await ctx.close();
		if (feedback) {
			ctx = await browser.newContext({
				viewport: { width: 800, height: 700 }, locale: lang });
			page = await ctx.newPage();
			await page.goto(feedback);
			await shot(page, `feedback-${tag}`);
			await ctx.close();
		}
	}
} finally {
	await browser.close();
}
