// training.test.mjs - the training journey of issue 5 §5, as the people
// would do it: a teacher enrols in a programme of her district centre on
// her phone, the centre admin marks every session's attendance and
// completes the programme, and the teacher finds the programme's hours on
// her hours page.  Screenshots go to tests/e2e/out/ (not committed); the
// last one is also docs/screenshot-hours.png for the README.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync } from "node:fs";
import { startServer, launchBrowser, signIn } from "./server.mjs";

const out = new URL("./out/", import.meta.url).pathname;
const docs = new URL("../../docs/", import.meta.url).pathname;
// The demo's first programme of the 天河 district centre (demo_training.c):
// published, its window open now, its audience the 天河 region, where the
// demo teacher's school is.  The year in the code is the demo's year.
const CODE = /^440106-\d{4}-01$/;
let server, browser;

before(async () => {
	mkdirSync(out, { recursive: true });
	server = await startServer({ teachers: 500 });
	browser = await launchBrowser();
});
after(async () => {
	await browser?.close();
	await server?.stop();
});

// "30.0" -> 300: hours in tenths, as the ledger keeps them, so sums are exact.
function tenths(text) {
	const m = String(text).trim().match(/^(-?)(\d+)(?:\.(\d))?$/);
	assert.ok(m, `"${text}" is a number of hours`);
	return (m[1] ? -1 : 1) * (Number(m[2]) * 10 + Number(m[3] || 0));
}

// The value beside a label in a page's facts list (<dt>label</dt><dd>).
async function fact(page, label) {
	const dd = page.locator(`dl.facts dt:text-is("${label}") + dd`);
	assert.equal(await dd.count(), 1, `one fact ${label}`);
	return (await dd.textContent()).trim();
}

// The hours page's year: its heading's year and the done figure of the ring
// ("已完成 12.0 / 要求 72.0 学时").
async function yearDone(page) {
	const h2 = (await page.textContent("section.hours-year h2")).trim();
	const lead = (await page.textContent("section.hours-year p.lead")).trim();
	const m = lead.match(/^已完成 (\S+) \/ 要求 (\S+) 学时$/);
	assert.ok(m, `the year's figure: "${lead}"`);
	return { year: Number(h2.match(/^(\d{4}) 年度学时$/)?.[1]), done10: tenths(m[1]) };
}

// The teacher's hours page for a year, reached as she would: 我的学时 in
// the menu, then the year in the row of years when it is not this one.
async function openHours(page, year) {
	await Promise.all([page.waitForURL(server.url + "/hours/me"),
		page.locator("nav.main a[href='/hours/me']").click()]);
	assert.match(await page.textContent("main h1"), /我的学时/);
	if ((await yearDone(page)).year !== year) {
		const link = page.locator("nav.filters a", { hasText: new RegExp(`^${year}$`) });
		assert.equal(await link.count(), 1, `a link to ${year} among the years`);
		await Promise.all([page.waitForURL(new RegExp(`[?&]year=${year}$`)), link.click()]);
	}
	const now = await yearDone(page);
	assert.equal(now.year, year, "the page shows the year of the entry");
	return now.done10;
}

test("a teacher enrols, the centre completes the programme, her hours go up", async () => {
	// ---- the teacher, on her phone: find the programme and enrol
	const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
	phone.setDefaultTimeout(15000);
	const tp = await phone.newPage();
	await signIn(tp, server.url, "teacher");

	let resp = await tp.goto(server.url + "/programmes?open=1");
	assert.equal(resp.status(), 200, "the catalogue answers");
	const rows = tp.locator("table.registry tbody tr");
	const codes = (await rows.locator("td.title-cell code").allTextContents()).map((s) => s.trim());
	const code = codes.find((c) => CODE.test(c));
	assert.ok(code, `the open catalogue lists the 天河 programme (has ${codes.join(", ")})`);
	const row = rows.filter({ has: tp.locator(`code:text-is("${code}")`) });
	const title = (await row.locator("td.title-cell a").textContent()).trim();
	await Promise.all([tp.waitForURL(server.url + "/programmes/" + code), row.locator("td.title-cell a").click()]);
	assert.equal((await tp.textContent("main h1")).trim(), title);
	const hours10 = tenths(await fact(tp, "学时"));
	assert.ok(hours10 > 0, "the programme carries hours");
	assert.equal(await fact(tp, "状态"), "已发布");

	// its sessions: the hours count on the last one's day, in that year
	const days = (await tp.locator("#sessions td[data-label='日期']").allTextContents()).map((s) => s.trim()).sort();
	assert.ok(days.length >= 2, "the programme has its sessions");
	for (const d of days) assert.match(d, /^\d{4}-\d{2}-\d{2}$/);
	const lastDay = days[days.length - 1];
	const year = Number(lastDay.slice(0, 4));

	// her hours of that year before the programme
	const before10 = await openHours(tp, year);
	const name = (await tp.textContent("main .page-head p.scope")).split(" · ")[0].trim();
	assert.ok(name, "her name is on her hours page");
	assert.equal(await tp.locator(`table.hours td.title-cell:text-is("${title}")`).count(), 0,
		"no entry of the programme yet");

	resp = await tp.goto(server.url + "/programmes/" + code);
	assert.equal(resp.status(), 200);
	const enrol = tp.locator(`form[action='/programmes/${code}/enrol'] button`);
	assert.equal((await enrol.textContent()).trim(), "报名");
	await Promise.all([tp.waitForURL(/\?enrolment=seated&position=\d+$/), enrol.click()]);
	const position = new URL(tp.url()).searchParams.get("position");
	assert.match(await tp.textContent(".notice"), new RegExp(`报名成功：您是第 ${position} 位正式学员。`));
	assert.equal((await tp.textContent("p.my-enrolment")).replace(/\s+/g, " ").trim(), `正式学员 · 序号 ${position}`);
	assert.equal(await enrol.count(), 0, "no second enrolment button");
	await tp.screenshot({ path: out + "training-teacher-enrolled.png", fullPage: true });

	// ---- the centre admin, at her desk: attendance of every session
	const desk = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	desk.setDefaultTimeout(15000);
	const cp = await desk.newPage();
	await signIn(cp, server.url, "centre");
	resp = await cp.goto(server.url + "/programmes/" + code);
	assert.equal(resp.status(), 200);
	const sheets = cp.locator("#sessions a", { hasText: "考勤表" });
	assert.equal(await sheets.count(), days.length, "a sheet per session");
	for (let i = 0; i < days.length; i++) {
		if (i > 0) await cp.goto(server.url + "/programmes/" + code);
		await Promise.all([cp.waitForURL(/\/sessions\/\d+\/attendance$/), sheets.nth(i).click()]);
		assert.match(await cp.textContent("main h1"), new RegExp(`考勤表 · ${title}`));
		const mine = cp.locator("table.data tbody tr", { has: cp.locator(`td:text-is("${name}")`) });
		assert.equal(await mine.count(), 1, `${name} is on the sheet`);
		assert.equal(await mine.locator("select").inputValue(), "", "not marked yet");
		await Promise.all([cp.waitForURL(/\/attendance\?done=sheet&n=\d+$/),
			cp.click("button[name='all'][value='present']")]);
		assert.match(await cp.textContent(".notice"), /考勤已保存：\d+ 人。/);
		assert.equal(await mine.locator("select").inputValue(), "1", `${name} present on ${days[i]}`);
	}
	await cp.screenshot({ path: out + "training-attendance.png", fullPage: true });

	// the overview: she meets the rule; complete, answering the question
	await Promise.all([cp.waitForURL(server.url + `/programmes/${code}/attendance`),
		cp.locator("a.button", { hasText: "考勤与结业" }).click()]);
	const hers = cp.locator("table.data tbody tr", { has: cp.locator(`td:text-is("${name}")`) });
	assert.equal(await hers.count(), 1, `${name} among the participants`);
	const cells = (await hers.locator("td").allTextContents()).map((s) => s.trim());
	assert.deepEqual(cells.slice(3), [`${days.length} / ${days.length}`, "100%", "", "是", "否"]);
	let asked = "";
	cp.once("dialog", (d) => { asked = d.message(); d.accept(); });
	await Promise.all([cp.waitForURL(/\/attendance\?done=complete&issued=\d+&already=0&not_met=\d+$/),
		cp.locator("button.danger", { hasText: "结业并发放学时" }).click()]);
	assert.equal(asked, "确定结业并发放学时吗？");
	const issued = Number(new URL(cp.url()).searchParams.get("issued"));
	assert.ok(issued >= 1, "hours issued to at least her");
	assert.match(await cp.textContent(".notice"), new RegExp(`结业完成：本次发放 ${issued} 人`));
	assert.equal((await hers.locator("td").last().textContent()).trim(), "是", "her hours are issued");
	await cp.screenshot({ path: out + "training-completed.png", fullPage: true });
	await desk.close();

	// ---- the teacher again: the programme is completed, the hours are hers
	resp = await tp.goto(server.url + "/programmes/" + code);
	assert.equal(resp.status(), 200);
	assert.equal(await fact(tp, "状态"), "已结业");
	const after10 = await openHours(tp, year);
	assert.equal(after10 - before10, hours10, `the ${year} total went up by the programme's hours`);
	const entry = tp.locator("table.hours tbody tr", { has: tp.locator(`td.title-cell:text-is("${title}")`) });
	assert.equal(await entry.count(), 1, "one entry of the programme");
	const cell = async (label) => (await entry.locator(`td[data-label='${label}']`).textContent()).trim();
	assert.equal(await cell("日期"), lastDay);
	assert.equal(tenths(await cell("学时")), hours10);
	assert.equal(await cell("来源"), "培训项目");
	assert.equal(tenths((await tp.textContent("table.hours tfoot td.num")).trim()), after10, "the table's total");
	const overflow = await tp.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	assert.ok(overflow <= 0, `the hours page is ${overflow}px wider than a phone`);
	await entry.scrollIntoViewIfNeeded();
	await tp.screenshot({ path: out + "training-hours.png", fullPage: true });
	mkdirSync(docs, { recursive: true });
	copyFileSync(out + "training-hours.png", docs + "screenshot-hours.png");
	await phone.close();
});
