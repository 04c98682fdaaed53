// recognition.test.mjs - recognition of activities (issue 6 §6) as the
// people would do it: the teacher, on her phone, applies for a publication
// with a PDF of it; her school's admin opens it from the review queue,
// downloads the evidence and approves; the district centre's admin
// approves; the teacher finds the hours on her 我的学时 page, of source
// 学时认定.  Screenshots go to tests/e2e/out/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { startServer, launchBrowser, signIn } from "./server.mjs";

const out = new URL("./out/", import.meta.url).pathname;
let server, browser;

function localDay(d = new Date()) {
	const two = (n) => String(n).padStart(2, "0");
	return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

before(async () => {
	mkdirSync(out, { recursive: true });
	server = await startServer({ teachers: 500 });
	browser = await launchBrowser();
});
after(async () => {
	await browser?.close();
	await server?.stop();
});

const TITLE = "论文《小学数学作业的分层设计》";
const PDF = Buffer.from("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n");

test("a teacher's publication is recognised by her school and her district centre", async () => {
	const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
	const tp = await phone.newPage();
	await signIn(tp, server.url, "teacher");
	// 学时认定 in her menu, then 申请认定
	await Promise.all([tp.waitForURL(server.url + "/recognition"),
		tp.locator("nav.main a[href='/recognition']").click()]);
	await Promise.all([tp.waitForURL(server.url + "/recognition/new"), tp.click("a[href='/recognition/new']")]);
	await tp.selectOption("#r-kind", "publication");
	await tp.fill("#r-activity_date", localDay());
	await tp.fill("#r-items", "1");
	await tp.fill("#r-title", TITLE);
	await tp.fill("#r-description", "发表于《广州教育》2026 年第 3 期。");
	await tp.setInputFiles("#r-evidence", { name: "论文扫描件.pdf", mimeType: "application/pdf", buffer: PDF });
	await tp.screenshot({ path: out + "recognition-apply.png", fullPage: true });
	await Promise.all([tp.waitForURL(/\/recognition\/\d+\?done=applied$/), tp.click("form button.primary")]);
	const appUrl = tp.url().replace(/\?.*$/, "").replace(server.url, "");
	assert.match(await tp.textContent("main h1"), /分层设计/);
	assert.match(await tp.textContent("main"), /待学校审核/);
	assert.match(await tp.textContent("main"), /论文扫描件\.pdf/);

	// the school: the queue, the evidence, 同意
	const desk = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
	const sp = await desk.newPage();
	await signIn(sp, server.url, "school");
	await Promise.all([sp.waitForURL(server.url + "/recognition/review"),
		sp.locator("nav.main a[href='/recognition/review']").click()]);
	await Promise.all([sp.waitForURL(server.url + appUrl), sp.locator("a", { hasText: TITLE }).click()]);
	const [download] = await Promise.all([sp.waitForEvent("download"),
		sp.locator("ul.files a", { hasText: "论文扫描件.pdf" }).click()]);
	assert.equal(download.suggestedFilename(), "论文扫描件.pdf");
	await sp.fill("#r-comment", "情况属实");
	await sp.screenshot({ path: out + "recognition-school-review.png", fullPage: true });
	await Promise.all([sp.waitForURL(/\?done=school_approved$/), sp.click("button[value='approve']")]);
	assert.match(await sp.textContent("main"), /待中心认定/);
	await sp.context().clearCookies();

	// the district centre: 同意, and the hours are written
	const cp = await desk.newPage();
	await signIn(cp, server.url, "centre");
	await Promise.all([cp.waitForURL(server.url + "/recognition/review"),
		cp.locator("nav.main a[href='/recognition/review']").click()]);
	await Promise.all([cp.waitForURL(server.url + appUrl), cp.locator("a", { hasText: TITLE }).click()]);
	await Promise.all([cp.waitForURL(/\?done=approved$/), cp.click("button[value='approve']")]);
	assert.match(await cp.textContent("main"), /已认定/);
	assert.match(await cp.textContent("main"), /A\d+/);
	await cp.screenshot({ path: out + "recognition-centre-approved.png", fullPage: true });

	// the teacher's 我的学时: the entry, of source 学时认定, 6.0 hours
	await Promise.all([tp.waitForURL(server.url + "/hours/me"),
		tp.locator("nav.main a[href='/hours/me']").click()]);
	const row = tp.locator("table.hours tbody tr", { hasText: TITLE });
	assert.equal(await row.count(), 1, "one entry of the recognised publication");
	assert.match(await row.textContent(), /学时认定/);
	assert.match(await row.textContent(), /6\.0/);
	await row.scrollIntoViewIfNeeded();
	await tp.screenshot({ path: out + "recognition-teacher-hours.png", fullPage: true });
	await phone.close();
	await desk.close();
});
