// tests/browser/run.mjs - Kiln as a person uses it, in headless
// Chromium: log in, search, open a customer, create one through the
// form (with a mistake first), edit it, delete it, submit an order and
// copy it, find it on its customer's page, find the late orders, log
// out.  LOGIN must be one who may set credit terms (an administrator);
// then, when given, SALES sees them read-only in the customer form and
// FINANCE changes a credit limit (the same PASSWORD for all).  SALES
// also logs a visit on a deal, wins it and makes its order; MANAGER
// reads the team's pipeline coverage.  AGENT (the service desk) files a
// call, takes it from the queue, answers, waits on the customer and
// resolves it; LEAD (the desk's manager) reads the SLA report.
// Screenshots of each step go to $KILN_SHOTS (default ./shots).
//
// SELLER (a salesperson of MANAGER's team) files an expense claim for
// a deal with a receipt; MANAGER approves it, FINANCE reimburses it;
// MANAGER accepts a segment suggestion.
//
//   node run.mjs BASE_URL LOGIN PASSWORD [SALES [FINANCE [MANAGER [AGENT [LEAD [SELLER]]]]]]
//
// Prints "ok N - ..." lines and "N passed, N failed".
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// axe-core (npm), run in the page: WCAG 2.1 A and AA, contrast included.
const axeSource = readFileSync(createRequire(import.meta.url)
    .resolve('axe-core/axe.min.js'), 'utf8');

const [base, login, password, sales, finance, manager, agent, lead, seller] =
    process.argv.slice(2);
if (!base || !login || !password) {
	console.error('usage: node run.mjs BASE_URL LOGIN PASSWORD [SALES [FINANCE]]');
	process.exit(2);
}
const shots = process.env.KILN_SHOTS || 'shots';
mkdirSync(shots, { recursive: true });

let passed = 0, failed = 0, n = 0;
async function check(name, fn) {
	n++;
	try {
		await fn();
		passed++;
		console.log(`ok ${n} - ${name}`);
	} catch (e) {
		failed++;
		console.log(`not ok ${n} - ${name}: ${String(e.message).split('\n')[0]}`);
	}
}
function expect(cond, what) {
	if (!cond) throw new Error(what);
}

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
	args: ['--no-sandbox', '--disable-gpu', '--disable-quic',
		'--no-first-run', '--disable-background-networking',
		'--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
const consoleErrors = [];
// A failed login (401) and a form sent back for correction (422) are
// expected answers, not errors; anything else the console reports is.
page.on('console', (m) => {
	if (m.type() === 'error' && !/status of (401|422)/.test(m.text()))
		consoleErrors.push(m.text());
});
page.on('pageerror', (e) => consoleErrors.push(String(e)));
const unique = `Browser Test ${Date.now()}`;

async function logIn(user) {
	if (!page.url().endsWith('/login'))
		await page.goto(`${base}/login`);
	await page.fill('#login', user);
	await page.fill('#password', password);
	await page.click('button[type=submit]');
	await page.waitForURL((u) => !u.pathname.endsWith('/login'));
}
async function logOut() {
	await page.click('form.session button');
	await page.waitForURL(/\/login$/);
	await page.goto(`${base}/customers`);
	expect(page.url().endsWith('/login'), 'still logged in');
}
// The serious and critical accessibility violations of the page shown.
async function axeViolations() {
	await page.evaluate(axeSource);
	const res = await page.evaluate(() => window.axe.run(document, {
		runOnly: { type: 'tag',
		    values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
	return res.violations.filter((v) => v.impact === 'serious' ||
	    v.impact === 'critical').map((v) =>
	    `${v.id} (${v.nodes.length}: ${v.nodes[0].target.join(' ')})`);
}
// Tab (and only Tab) until the field named NAME has the focus.
async function tabTo(name) {
	for (let i = 0; i < 60; i++) {
		if (await page.evaluate(() => document.activeElement &&
		    document.activeElement.name) === name)
			return;
		await page.keyboard.press('Tab');
	}
	throw new Error(`Tab never reached ${name}`);
}
// In the focused picker: type TEXT, wait for the choices, take the first.
async function pickFirst(text) {
	await page.keyboard.type(text);
	const list = page.locator('[role=listbox]:visible');
	await list.locator('[role=option]').first().waitFor();
	await page.keyboard.press('ArrowDown');
	await page.keyboard.press('Enter');
}
// A section of records under this one, by its heading.
function children(title) {
	return page.locator('section.children',
	    { has: page.locator('h2', { hasText: title }) });
}

try {
	await check('unauthenticated visit lands on the login page', async () => {
		await page.goto(`${base}/customers`);
		expect(page.url().endsWith('/login'), `at ${page.url()}`);
		await page.screenshot({ path: `${shots}/01-login.png` });
	});
	await check('wrong password is refused with a message', async () => {
		await page.fill('#login', login);
		await page.fill('#password', 'not the password');
		await page.click('button[type=submit]');
		expect(await page.locator('.message').count() === 1, 'no message');
	});
	await check('log in: the home page of panels, then the customer list', async () => {
		await logIn(login);
		await page.waitForSelector('div.panels');
		const panels = await page.locator('section.panel').count();
		expect(panels >= 4, `${panels} panels on the administrator's home page`);
		expect(await page.locator('figure.chart svg rect').count() > 0, 'no chart');
		await page.screenshot({ path: `${shots}/02-home.png`, fullPage: true });
		await page.goto(`${base}/customers`);
		await page.waitForSelector('table.list');
		const rows = await page.locator('table.list tbody tr').count();
		expect(rows > 0 && rows <= 50, `${rows} rows`);
		await page.screenshot({ path: `${shots}/02-list.png`, fullPage: true });
	});
	await check('the stylesheet loads (CSP allows it)', async () => {
		const bg = await page.evaluate(() =>
			getComputedStyle(document.querySelector('header')).backgroundColor);
		expect(bg !== 'rgba(0, 0, 0, 0)', `header background ${bg}`);
	});
	await check('next page follows the keyset cursor', async () => {
		const first = await page.locator('table.list tbody tr td a').first().textContent();
		await page.click('a[rel=next]');
		await page.waitForSelector('table.list');
		const again = await page.locator('table.list tbody tr td a').first().textContent();
		expect(first !== again, 'same first row on page 2');
		expect(page.url().includes('after='), page.url());
	});
	await check('search by a Chinese substring', async () => {
		await page.goto(`${base}/customers`);
		await page.fill('form.search input[name=q]', '精密');
		await page.click('form.search button');
		await page.waitForSelector('table.list, p.empty');
		const names = await page.locator('table.list tbody tr td:first-child').allTextContents();
		expect(names.length > 0, 'nothing found');
		expect(names.every((t) => t.includes('精密')), names.join(','));
		await page.screenshot({ path: `${shots}/03-search.png`, fullPage: true });
	});
	await check('open a customer: fields, contacts and orders', async () => {
		await page.locator('table.list tbody tr td a').first().click();
		await page.waitForSelector('dl.record');
		expect(await children('Contacts').count() === 1, 'no contacts section');
		expect(await children('Orders').count() === 1, 'no orders section');
		await page.screenshot({ path: `${shots}/04-customer.png`, fullPage: true });
	});
	await check('a mistake in the form is shown next to the field, input kept', async () => {
		await page.goto(`${base}/customers/new`);
		await page.fill('#f-name', unique);
		await page.fill('#f-email', 'buyer@example.com');
		await page.selectOption('#f-segment', 'small_loyal');
		await page.fill('#f-credit_limit', '12x');
		await page.click('form.record button[type=submit]');
		await page.waitForSelector('.field.invalid');
		expect(await page.inputValue('#f-name') === unique, 'name lost');
		expect(await page.inputValue('#f-credit_limit') === '12x', 'value lost');
		await page.screenshot({ path: `${shots}/05-form-error.png`, fullPage: true });
	});
	await check('create a customer through the form', async () => {
		await page.fill('#f-credit_limit', '20000.50');
		await page.selectOption('#f-payment_terms', 'net30');
		await page.click('form.record button[type=submit]');
		await page.waitForSelector('dl.record');
		expect((await page.locator('h1').textContent()) === unique, 'wrong title');
		// People read money with separators and the currency's sign.
		expect((await page.content()).includes('\u00a520,000.50'), 'money not shown');
	});
	await check('edit it', async () => {
		await page.click('text=Edit');
		await page.fill('#f-city', '宁波');
		await page.click('form.record button[type=submit]');
		await page.waitForSelector('dl.record');
		expect((await page.content()).includes('宁波'), 'city not saved');
	});
	await check('delete it', async () => {
		// Asked first, on a page of its own.
		await page.click('p.delete a');
		await page.waitForSelector('form.delete');
		await page.click('form.delete button');
		await page.waitForSelector('table.list');
		await page.goto(`${base}/customers?q=${encodeURIComponent(unique)}`);
		expect(await page.locator('p.empty').count() === 1, 'still listed');
	});
	await check('an order: submit it; its verdicts and timeline show', async () => {
		await page.goto(`${base}/orders?status=draft`);
		await page.waitForSelector('table.list');
		await page.locator('table.list tbody tr td a').first().click();
		await page.waitForSelector('dl.record');
		await page.click('form[action$="/submit"] button');
		await page.waitForSelector('section.verdicts');
		const verdicts = await page.locator('section.verdicts li').count();
		expect(verdicts === 5, `${verdicts} verdicts`);
		expect(await page.locator('section.timeline li').count() >= 1,
		    'no timeline');
		await page.screenshot({ path: `${shots}/06-order.png`, fullPage: true });
	});
	await check("the order is listed on its customer's page", async () => {
		const number = (await page.locator('h1').textContent()).trim();
		await page.click('dl.record a[href*="/customers/"]');
		await page.waitForSelector('dl.record');
		const rows = children('Orders').locator('table tbody tr');
		expect(await rows.filter({ hasText: number }).count() === 1,
		    `${number} not among the ${await rows.count()} orders listed`);
		await page.goBack();
		await page.waitForSelector('form[action$="/copy"]');
	});
	await check('copy it as a new draft', async () => {
		const before = page.url();
		await page.click('form[action$="/copy"] button');
		await page.waitForSelector('form[action$="/submit"]');
		expect(page.url() !== before, 'still on the same order');
	});
	await check('late orders from the navigation', async () => {
		await page.click('header nav >> text=Late orders');
		await page.waitForSelector('h1');
		expect((await page.locator('h1').textContent()) === 'Late orders',
		    'not the late orders page');
	});
	await check('accessibility: no serious or critical axe-core violation on the main pages', async () => {
		const found = [];
		for (const path of ['/', '/customers', '/customers/new', '/orders',
		    '/orders/new', '/orders/held', '/orders/late', '/search?q=a',
		    '/admin/users', '/audit', '/tokens']) {
			await page.goto(`${base}${path}`);
			for (const v of await axeViolations())
				found.push(`${path}: ${v}`);
		}
		/* An order with its buttons: approved, held or a draft. */
		for (const status of ['approved', 'on_hold', 'draft']) {
			await page.goto(`${base}/orders?status=${status}`);
			if (await page.locator('table.list tbody tr td a').count() > 0)
				break;
		}
		await page.locator('table.list tbody tr td a').first().click();
		await page.waitForSelector('div.actbar');
		for (const v of await axeViolations())
			found.push(`order page: ${v}`);
		expect(found.length === 0, found.join('; '));
	});
	await check('no script errors on any page', async () => {
		expect(consoleErrors.length === 0, consoleErrors.join('; '));
	});
	await check('log out', logOut);
	if (sales) {
		await check('sales: the credit terms are read-only in the customer form', async () => {
			await logIn(sales);
			await page.goto(`${base}/customers/new`);
			await page.waitForSelector('form.record');
			expect(await page.locator('[name=credit_limit], [name=payment_terms]').count() === 0,
			    'a credit control for sales');
			expect(((await page.locator('#f-credit_limit').textContent()) || '').includes('0.00'),
			    'credit limit not shown');
			await page.screenshot({ path: `${shots}/07-sales-form.png`, fullPage: true });
			await logOut();
		});
	}
	if (sales) {
		await check('sales: an order of three lines entered with the keyboard and the pickers alone', async () => {
			await logIn(sales);
			await page.goto(`${base}/customers`);
			const customer = (await page.locator('table.list tbody tr td a').first().textContent()).trim();
			await page.goto(`${base}/products?active=1`);
			const skus = (await page.locator('table.list tbody tr td:first-child').allTextContents())
			    .slice(0, 3).map((t) => t.trim());
			expect(skus.length === 3, `${skus.length} products`);
			await page.goto(`${base}/orders/new`);
			await tabTo('customer.q');
			await pickFirst(customer);
			expect(await page.inputValue('input[type=hidden][name=customer]') !== '',
			    'the customer picker set no id');
			for (let i = 0; i < 3; i++) {
				await tabTo(`lines.${i + 1}.product.q`);
				await pickFirst(skus[i]);
				await page.keyboard.press('Tab');
				await page.keyboard.press('Control+A');
				await page.keyboard.type(String(i + 2));
			}
			/* 20 % off the last line: a manager or finance approves it. */
			await tabTo('lines.3.discount_pct');
			await page.keyboard.press('Control+A');
			await page.keyboard.type('20');
			await page.screenshot({ path: `${shots}/09-order-entry.png`, fullPage: true });
			await tabTo('lines.1.product.q');
			await page.keyboard.press('Enter');	/* the form's submit */
			await page.waitForSelector('section.lines');
			const rows = await page.locator('section.lines tbody tr a[href*="/products/"]').count();
			expect(rows === 3, `${rows} lines on the new order`);
			expect((await page.locator('p.flash').textContent()).length > 0, 'no word of it');
			await page.click('form[action$="/submit"] button');
			await page.waitForSelector('section.verdicts');
			expect(await page.locator('section.verdicts li.hold').count() === 1,
			    'the 20 % discount did not hold the order');
			await page.screenshot({ path: `${shots}/10-order-submitted.png`, fullPage: true });
			await logOut();
		});
	}
	if (sales) {
		await check('sales on a phone, in Chinese: the menu folds, nothing is wider than the screen, an order is entered with the pickers', async () => {
			const phone = await browser.newContext({ viewport: { width: 390, height: 844 },
			    locale: 'zh-CN', isMobile: true, hasTouch: true });
			const p = await phone.newPage();
			p.on('pageerror', (e) => consoleErrors.push(String(e)));
			await p.goto(`${base}/login`);
			await p.fill('#login', sales);
			await p.fill('#password', password);
			await p.click('button[type=submit]');
			await p.waitForSelector('div.panels');
			const wide = async () => p.evaluate(() => document.documentElement.scrollWidth);
			expect(await wide() <= 390, `home page ${await wide()} px wide`);
			expect(!(await p.locator('header.site ul.menu').isVisible()), 'the menu is not folded');
			await p.click('label.menu-button');
			expect(await p.locator('header.site ul.menu').isVisible(), 'the menu does not open');
			expect((await p.locator('h2').first().textContent()).match(/[\u4e00-\u9fff]/),
			    'the panels are not in Chinese');
			await p.screenshot({ path: `${shots}/13-phone-home-zh.png`, fullPage: true });
			for (const path of ['/orders/held', '/customers', '/orders/new']) {
				await p.goto(`${base}${path}`);
				expect(await wide() <= 390, `${path} ${await wide()} px wide`);
			}
			await p.goto(`${base}/customers`);
			const customer = (await p.locator('table.list tbody tr td a').first().textContent()).trim();
			await p.goto(`${base}/products?active=1`);
			const sku = (await p.locator('table.list tbody tr td:first-child').first().textContent()).trim();
			await p.goto(`${base}/orders/new`);
			await p.fill('#f-customer', customer);
			await p.locator('#f-customer-list [role=option]').first().click();
			await p.fill('input[name="lines.1.product.q"]', sku);
			await p.locator('[role=listbox]:visible [role=option]').first().click();
			await p.screenshot({ path: `${shots}/14-phone-order-zh.png`, fullPage: true });
			await p.click('form.record div.actions button[type=submit]');
			await p.waitForSelector('section.lines');
			expect(await p.locator('p.flash').textContent() === '已创建。', 'no word of it in Chinese');
			await phone.close();
		});
	}
	if (finance) {
		await check('finance: approves a held order from the queue and is back in it', async () => {
			await logIn(finance);
			await page.goto(`${base}/orders/held`);
			const before = await page.locator('table.held tbody tr').count();
			expect(before > 0, 'nothing on hold in the demo');
			await page.screenshot({ path: `${shots}/11-held.png`, fullPage: true });
			const row = page.locator('table.held tbody tr').first();
			await row.locator('form[action$="/approve"] input[name=reason]').fill('Paid in advance');
			await row.locator('form[action$="/approve"] button').click();
			await page.waitForSelector('p.flash');
			expect(page.url().includes('/orders/held'), `landed on ${page.url()}`);
			const after = await page.locator('table.held tbody tr').count();
			expect(after === before - 1, `${before} held before, ${after} after`);
		});
		await check('finance: ships, invoices and takes a payment with the action buttons', async () => {
			await page.goto(`${base}/orders?status=approved`);
			await page.locator('table.list tbody tr td a').first().click();
			await page.waitForSelector('div.actbar');
			await page.click('details.act summary:has-text("Ship")');
			await page.click('form[action$="/ship"] button');
			await page.waitForSelector('p.flash');
			await page.click('form[action$="/deliver"] button');
			await page.waitForSelector('p.flash');
			await page.click('details.act summary:has-text("Invoice")');
			await page.click('form[action$="/invoice"] button');
			await page.waitForSelector('p.flash');
			await page.click('details.act summary:has-text("Record payment")');
			await page.fill('form[action$="/pay"] input[name=amount]', '1.00');
			await page.click('form[action$="/pay"] button');
			await page.waitForSelector('p.flash');
			const status = await page.locator('dl.record dd').nth(5).textContent();
			expect(status.trim() === 'Invoiced', `status ${status}`);
			await page.screenshot({ path: `${shots}/12-invoiced.png`, fullPage: true });
		});
		await check('finance: prints the order confirmation (A4, in the reader\'s language)', async () => {
			await page.click('p.links a[href$="/print"]');
			await page.waitForSelector('article.print');
			expect((await page.locator('article.print h1').textContent()) === 'Order confirmation',
			    'not an order confirmation');
			expect(await page.locator('table.print-lines tbody tr').count() > 0, 'no lines');
			/* The print stylesheet: no navigation on paper. */
			await page.emulateMedia({ media: 'print' });
			expect(!(await page.locator('header.site').isVisible()), 'the menu prints');
			await page.pdf({ path: `${shots}/15-confirmation.pdf`, format: 'A4' });
			await page.emulateMedia({ media: 'screen' });
			await logOut();
		});
	}
	if (sales) {
		await check('sales: logs a visit from a deal\'s page, moves the deal to won and makes its order', async () => {
			await logIn(sales);
			/* An open deal of theirs, the furthest along there is. */
			for (const stage of ['negotiation', 'proposal', 'qualified', 'lead']) {
				await page.goto(`${base}/deals?stage=${stage}`);
				if (await page.locator('table.list tbody tr td a').count() > 0)
					break;
			}
			await page.locator('table.list tbody tr td a').first().click();
			await page.waitForSelector('dl.record');
			const deal = page.url().replace(/[?#].*$/, '');
			await page.click('details.log summary');
			const log = page.locator('details.log form');
			await log.locator('[name=kind]').selectOption('visit');
			await log.locator('[name=status]').selectOption('done');
			await log.locator('[name=subject]').fill(`Plant visit ${unique}`);
			await log.locator('[name=place]').fill('Ningbo plant, hall 3');
			await log.locator('[name=outcome]').fill('Drawings agreed');
			await log.locator('button[type=submit]').click();
			await page.waitForURL(/done=saved/);
			expect(await children('Activities').getByText(`Plant visit ${unique}`).count() === 1,
			    'the visit is not among the deal\'s activities');
			await page.screenshot({ path: `${shots}/09-sales-visit.png`, fullPage: true });
			await page.locator('div.actbar form button', { hasText: /^Won$/ }).click();
			await page.waitForSelector('dl.record');
			expect((await page.locator('dl.record').textContent()).includes('Won'),
			    'the deal is not won');
			await page.locator('button', { hasText: 'Make the order' }).click();
			await page.waitForURL(/\/orders\/\d+/);
			expect(await page.locator(`a[href="${new URL(deal).pathname}"]`).count() > 0,
			    'the order does not link back to its deal');
			await page.screenshot({ path: `${shots}/10-sales-deal-order.png`, fullPage: true });
			await logOut();
		});
	}
	if (manager) {
		await check('manager: reads the pipeline coverage of the team, with its chart and lights', async () => {
			await logIn(manager);
			await page.goto(`${base}/reports/coverage`);
			await page.waitForSelector('main h1');
			const rows = page.locator('table.list tbody tr');
			expect(await rows.count() > 0, 'no rows in the coverage report');
			expect(await page.locator('td.light').count() > 0, 'no traffic lights');
			expect(await page.locator('figure.chart svg').count() === 1, 'no chart');
			expect((await axeViolations()).length === 0, 'accessibility violations');
			await page.screenshot({ path: `${shots}/11-manager-coverage.png`, fullPage: true });
			await logOut();
		});
	}
	if (agent) {
		await check('service: an agent files a call, takes it from the queue, answers, waits on the customer, resumes and resolves it', async () => {
			await logIn(agent);
			await page.goto(`${base}/customers?segment=small_loyal`);
			const customer = (await page.locator('table.list tbody tr td a').first().textContent()).trim();
			await page.goto(`${base}/tickets/new`);
			await page.fill('[name=subject]', `Pump hums ${unique}`);
			await tabTo('customer.q');
			await pickFirst(customer);
			await page.selectOption('[name=type]', 'repair');
			await page.selectOption('[name=mode]', 'queue');
			await page.click('form.record button[type=submit]');
			await page.waitForSelector('dl.record');
			/* In the queue, with a deadline; taken from there. */
			await page.goto(`${base}/tickets/queue`);
			const row = page.locator('table.list tbody tr', { hasText: `Pump hums ${unique}` });
			expect(await row.count() === 1, 'the call is not in the queue');
			expect((await row.locator('time').count()) === 1, 'no deadline in the queue');
			expect((await axeViolations()).length === 0, 'accessibility violations in the queue');
			await page.screenshot({ path: `${shots}/16-agent-queue.png`, fullPage: true });
			await row.locator('button', { hasText: 'Take' }).click();
			await page.waitForSelector('section.sla');
			expect((await page.locator('section.sla').textContent()).includes('left in business hours'),
			    'no time left shown');
			await page.click('details.act summary:has-text("Answer")');
			await page.fill('details.act[open] textarea[name=text]', 'A technician calls you today.');
			await page.click('details.act[open] button[type=submit]');
			await page.waitForURL(/done=updated/);
			expect((await page.locator('section.sla').textContent()).includes('met'),
			    'the first response is not met');
			await page.locator('div.actbar button', { hasText: 'Wait on the customer' }).click();
			await page.waitForURL(/done=updated/);
			expect((await page.locator('section.sla').textContent()).includes('paused'),
			    'the resolution clock does not pause');
			await page.screenshot({ path: `${shots}/17-agent-waiting.png`, fullPage: true });
			await page.locator('div.actbar button', { hasText: 'Resume' }).click();
			await page.waitForURL(/done=updated/);
			await page.click('details.act summary:has-text("Resolve")');
			const rep = page.locator('details.act[open] form');
			await rep.locator('[name=cause]').fill('Worn bearing');
			await rep.locator('[name=action_taken]').fill('Bearing replaced, run for an hour');
			await rep.locator('[name=parts_used]').fill('Bearing 6205');
			await rep.locator('[name=time_spent]').fill('80');
			await rep.locator('button[type=submit]').click();
			await page.waitForURL(/done=updated/);
			expect((await page.locator('dl.record').textContent()).includes('Resolved'),
			    'the ticket is not resolved');
			expect(await page.locator('section.notices article').count() >= 2,
			    'no notices for the customer');
			expect((await axeViolations()).length === 0, 'accessibility violations on the ticket');
			await page.screenshot({ path: `${shots}/18-agent-resolved.png`, fullPage: true });
			await logOut();
		});
	}
	if (lead) {
		await check('service lead: reads the SLA report (shares within the deadlines, charts) and the escalated tickets', async () => {
			await logIn(lead);
			await page.goto(`${base}/reports/sla`);
			await page.waitForSelector('main h1');
			expect(await page.locator('table.list tbody tr').count() > 0, 'no rows in the SLA report');
			expect(await page.locator('figure.chart svg').count() > 0, 'no chart');
			expect((await axeViolations()).length === 0, 'accessibility violations');
			await page.screenshot({ path: `${shots}/19-lead-sla.png`, fullPage: true });
			await page.goto(`${base}/tickets/escalated`);
			await page.waitForSelector('main h1');
			expect((await axeViolations()).length === 0, 'accessibility violations');
			await logOut();
		});
	}
	if (seller && manager && finance) {
		await check('expenses: a salesperson files a claim for a deal with a receipt, the manager approves it, finance reimburses it', async () => {
			await logIn(seller);
			await page.goto(`${base}/deals`);
			const deal = (await page.locator('table.list tbody tr td a').first().textContent()).trim();
			await page.goto(`${base}/expenses/new`);
			await page.fill('[name=spent_on]', new Date().toISOString().slice(0, 10));
			await page.locator('[name=category]').selectOption('travel');
			await page.fill('[name=amount]', '88.00');
			await page.fill('[name=description]', `Train to the plant ${unique}`);
			await tabTo('deal.q');
			await pickFirst(deal.slice(0, 6));
			await page.click('form.record button[type=submit]');
			await page.waitForSelector('dl.record');
			const claim = page.url().replace(/[?#].*$/, '');
			await page.setInputFiles('input[name=receipt]', {
				name: 'ticket.png', mimeType: 'image/png',
				buffer: Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000a49444154789c63000100000500010d0a2db40000000049454e44ae426082', 'hex'),
			});
			await page.locator('section.receipts button[type=submit]').click();
			await page.waitForURL(/done=saved/);
			expect(await page.locator('section.receipts a', { hasText: 'ticket.png' }).count() === 1,
			    'the receipt is not listed');
			expect((await axeViolations()).length === 0, 'accessibility violations');
			await page.locator('div.actions button', { hasText: 'Submit' }).click();
			await page.waitForURL(/done=submitted/);
			await page.screenshot({ path: `${shots}/20-seller-claim.png`, fullPage: true });
			await logOut();
			await logIn(manager);
			await page.goto(claim);
			await page.locator('div.actions form', { has: page.locator('button', { hasText: 'Approve' }) })
			    .locator('input[name=reason]').fill('customer visit agreed');
			await page.locator('div.actions button', { hasText: 'Approve' }).click();
			await page.waitForURL(/done=approved/);
			await logOut();
			await logIn(finance);
			await page.goto(claim);
			await page.locator('div.actions button', { hasText: 'Mark reimbursed' }).click();
			await page.waitForURL(/done=reimbursed/);
			expect((await page.locator('dl.record').first().textContent()).includes('Reimbursed'),
			    'the claim is not reimbursed');
			await page.screenshot({ path: `${shots}/21-finance-reimbursed.png`, fullPage: true });
			await logOut();
		});
		await check('customer value: the manager accepts a segment suggestion and the customer\'s segment changes', async () => {
			await logIn(manager);
			await page.goto(`${base}/value/suggestions`);
			await page.waitForSelector('main h1');
			expect((await axeViolations()).length === 0, 'accessibility violations');
			const row = page.locator('table.list tbody tr').first();
			const name = (await row.locator('td a').first().textContent()).trim();
			const to = (await row.locator('td strong').first().textContent()).trim();
			await page.screenshot({ path: `${shots}/22-manager-suggestions.png`, fullPage: true });
			await row.locator('button', { hasText: 'Accept' }).click();
			await page.waitForSelector('main h1');
			await page.goto(`${base}/customers?q=${encodeURIComponent(name)}`);
			await page.locator('table.list tbody tr td a', { hasText: name }).first().click();
			await page.waitForSelector('dl.record');
			expect((await page.locator('dl.record').first().textContent()).includes(to),
			    `the segment is not ${to}`);
			expect(await page.locator('section.value').count() === 1, 'no Value section');
			await page.goto(`${base}/reports/customer-value`);
			await page.waitForSelector('main h1');
			expect(await page.locator('figure.chart svg').count() > 0, 'no chart');
			expect((await axeViolations()).length === 0, 'accessibility violations');
			await page.screenshot({ path: `${shots}/23-manager-value.png`, fullPage: true });
			await logOut();
		});
	}
	if (finance) {
		await check('finance: changes a credit limit, and nothing else', async () => {
			await logIn(finance);
			/* Not a prospect: a prospect has no credit (customer.lua). */
			await page.goto(`${base}/customers?segment=key_account`);
			await page.locator('table.list tbody tr td a').first().click();
			await page.waitForSelector('dl.record');
			await page.click('text=Edit');
			await page.waitForSelector('form.record');
			expect(await page.locator('form.record [name=city]').count() === 0,
			    'finance may edit the city');
			await page.fill('#f-credit_limit', '123456.00');
			await page.click('form.record button[type=submit]');
			await page.waitForSelector('dl.record');
			expect((await page.content()).includes('\u00a5123,456.00'), 'limit not saved');
			await page.screenshot({ path: `${shots}/08-finance-credit.png`, fullPage: true });
			await logOut();
		});
	}
} finally {
	await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
