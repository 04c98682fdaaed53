// assessment.test.mjs - the yearly assessment page in a real browser: the
// system admin sees the city's pass rates with the district and school
// charts drawn (SVG, no script), the list of those short with masked ID
// numbers, and records the year with the button; the school admin sees her
// school only; both fit a phone's width.  Screenshots go to tests/e2e/out/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { startServer, launchBrowser, signIn } from "./server.mjs";

const out = new URL("./out/", import.meta.url).pathname;
const year = new Date().getUTCFullYear();
let server, browser;

before(async () => {
	mkdirSync(out, { recursive: true });
	server = await startServer();
	browser = await launchBrowser();
});
after(async () => {
	await browser?.close();
	await server?.stop();
});

async function fitsAPhone(page, name) {
	await page.setViewportSize({ width: 375, height: 812 });
	await page.reload();
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	assert.ok(overflow <= 0, `page is ${overflow}px wider than a phone`);
	await page.screenshot({ path: `${out}${name}-phone.png`, fullPage: true });
}

test("the system admin reads the city and records the year", async () => {
	const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	const page = await context.newPage();
	await signIn(page, server.url, "admin");
	await Promise.all([page.waitForURL(/\/assessment/), page.click("nav.main a[href='/assessment']")]);
	await page.goto(`${server.url}/assessment?year=${year}`);
	assert.match(await page.textContent("main h1"), new RegExp(`${year} 年度培训考核`));
	// the charts: one bar per district, the ten best and the ten last schools
	assert.ok(await page.locator("svg.bars").count() >= 3);
	assert.ok(await page.locator("svg.bars rect").count() > 20);
	// the short, masked
	const first = await page.textContent("table.data tbody tr td:nth-child(2)");
	assert.match(first.trim(), /^\d{4}\*{10}[\dX]{4}$/);
	assert.match(await page.textContent("main"), /本年度考核结果尚未记录/);
	await page.screenshot({ path: `${out}assessment-admin.png`, fullPage: true });

	await Promise.all([page.waitForURL(/done=1/), page.click("form[action='/assessment/run'] button")]);
	assert.match(await page.textContent(".notice"), /考核结果已记录/);
	assert.match(await page.textContent("main"), /考核结果最近一次记录于/);
	await fitsAPhone(page, "assessment-admin");
	await context.close();
});

test("a school admin reads her school", async () => {
	const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	const page = await context.newPage();
	await signIn(page, server.url, "school");
	await page.goto(`${server.url}/assessment?year=${year}`);
	assert.equal(await page.locator("form[action='/assessment/run']").count(), 0);
	assert.equal(await page.locator("text=各区县合格率").count(), 0);
	const schools = await page.$$eval("table.data tbody tr td:nth-child(3)", (tds) =>
		[...new Set(tds.map((t) => t.textContent.trim()))]);
	assert.deepEqual(schools, ["广州市第一中学"]);
	await page.screenshot({ path: `${out}assessment-school.png`, fullPage: true });
	await fitsAPhone(page, "assessment-school");
	await context.close();
});
