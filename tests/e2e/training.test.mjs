// training.test.mjs - the training journey of issue 5 §5, as the people
// would do it: a teacher enrols in a programme of her district centre on
// her phone, the centre admin marks every session's attendance and
// completes the programme, and the teacher finds the programme's hours on
// her hours page.  Attendance waits for a session's day and completion for
// the last one's, so the journey uses the demo's programme of today, and two
// more tests see the centre refused both for a programme still to come.
// Screenshots go to tests/e2e/out/ (not committed); with
// TDC_DOCS_SCREENSHOTS=1 the hours page's also replaces
// docs/screenshot-hours.png for the README (not on every run: a test run
// leaves the checkout as it was).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync } from "node:fs";
import { startServer, launchBrowser, signIn } from "./server.mjs";

const out = new URL("./out/", import.meta.url).pathname;
const docs = new URL("../../docs/", import.meta.url).pathname;
// The demo's programme of today (demo_training.c): the 天河 district
// centre's, published, its window open now, its audience the 天河 region
// (where the demo teacher's school is), its two sessions today.  Only such a
// programme can take attendance and be completed now: attendance waits for a
// session's day, completion for the last one's.  Found by its title, never
// by its code.
const TODAY_SUFFIX = "（今日开课）";
let server, browser;

// Today as the server reckons it: its local date (it runs with our TZ).
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

// The record numbers of the entries in the hours table of the page shown.
async function entryIds(page) {
	return page.locator("table.hours tbody tr").evaluateAll((trs) => trs.map((tr) => tr.id));
}

// The session days of a programme page's timetable, in order.
async function sessionDays(page) {
	const days = (await page.locator("#sessions td[data-label='日期']").allTextContents()).map((s) => s.trim()).sort();
	for (const d of days) assert.match(d, /^\d{4}-\d{2}-\d{2}$/);
	return days;
}

test("a teacher enrols, the centre completes the programme, her hours go up", async () => {
	// ---- the teacher, on her phone: find the programme and enrol
	const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
	phone.setDefaultTimeout(15000);
	const tp = await phone.newPage();
	await signIn(tp, server.url, "teacher");

	let resp = await tp.goto(server.url + "/programmes?open=1");
	assert.equal(resp.status(), 200, "the catalogue answers");
	const today = localDay();
	const rows = tp.locator("table.registry tbody tr");
	const titles = (await rows.locator("td.title-cell a").allTextContents()).map((s) => s.trim());
	const todays = titles.filter((t) => t.endsWith(TODAY_SUFFIX));
	assert.equal(todays.length, 1, `the open catalogue lists one programme of today (has ${titles.join(", ")})`);
	const title = todays[0];
	const row = rows.filter({ has: tp.locator(`td.title-cell a:text-is("${title}")`) });
	assert.equal(await row.count(), 1);
	const code = (await row.locator("td.title-cell code").textContent()).trim();
	assert.match(code, /^[\w-]+$/, "a programme code");
	const listed10 = tenths(await row.locator("td[data-label='学时']").textContent());
	await Promise.all([tp.waitForURL(server.url + "/programmes/" + code), row.locator("td.title-cell a").click()]);
	assert.equal((await tp.textContent("main h1")).trim(), title);
	assert.equal(await fact(tp, "项目编号"), code);
	const hours10 = tenths(await fact(tp, "学时"));
	assert.ok(hours10 > 0, "the programme carries hours");
	assert.equal(hours10, listed10, "the page's hours are the catalogue's");
	assert.equal(await fact(tp, "状态"), "已发布");
	const seats = (await fact(tp, "已录取 / 名额")).match(/^(\d+) \/ (\d+)$/);
	assert.ok(seats, "seated / capacity");
	const [seated, capacity] = [Number(seats[1]), Number(seats[2])];
	assert.ok(seated < capacity, `a seat is free (${seated} / ${capacity})`);

	// its sessions are today: the hours count on the last one's day, this year
	const days = await sessionDays(tp);
	assert.ok(days.length >= 2, "the programme has its sessions");
	assert.deepEqual(days, days.map(() => today), `every session is today, ${today}`);
	const lastDay = days[days.length - 1];
	const year = Number(lastDay.slice(0, 4));

	// her hours of that year before the programme
	const before10 = await openHours(tp, year);
	const name = (await tp.textContent("main .page-head p.scope")).split(" · ")[0].trim();
	assert.ok(name, "her name is on her hours page");
	assert.equal(await tp.locator(`table.hours td.title-cell:text-is("${title}")`).count(), 0,
		"no entry of the programme yet");
	const idsBefore = await entryIds(tp);

	resp = await tp.goto(server.url + "/programmes/" + code);
	assert.equal(resp.status(), 200);
	const enrol = tp.locator(`form[action='/programmes/${code}/enrol'] button`);
	assert.equal((await enrol.textContent()).trim(), "报名");
	await Promise.all([tp.waitForURL(/\?enrolment=seated&position=\d+$/), enrol.click()]);
	const position = new URL(tp.url()).searchParams.get("position");
	assert.equal(Number(position), seated + 1, "she takes the next seat");
	assert.match(await tp.textContent(".notice"), new RegExp(`报名成功：您是第 ${position} 位正式学员。`));
	const place = tp.locator("p.my-enrolment");
	assert.equal(await place.count(), 1, "her place is shown once");
	assert.equal((await place.textContent()).replace(/\s+/g, " ").trim(), `正式学员 · 序号 ${position}`);
	assert.doesNotMatch(await place.innerHTML(), /&lt;|&gt;/, "no escaped markup in her place");
	assert.equal(await fact(tp, "已录取 / 名额"), `${seated + 1} / ${capacity}`);
	assert.equal(await enrol.count(), 0, "no second enrolment button");
	await tp.screenshot({ path: out + "training-teacher-enrolled.png", fullPage: true });

	// ---- the centre admin, at her desk: attendance of every session
	const desk = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	desk.setDefaultTimeout(15000);
	const cp = await desk.newPage();
	await signIn(cp, server.url, "centre");
	resp = await cp.goto(server.url + "/programmes/" + code);
	assert.equal(resp.status(), 200);
	// per session: its sheet and its QR code as visible links, and the
	// delete form (for a session without attendance) carrying its CSRF token
	const sessionRows = cp.locator("#sessions tbody tr");
	assert.equal(await sessionRows.count(), days.length);
	for (let i = 0; i < days.length; i++) {
		const r = sessionRows.nth(i);
		for (const [text, path] of [["考勤表", "attendance"], ["扫码签到", "qr"]]) {
			const a = r.locator(`td.actions a[href$='/${path}']`);
			assert.equal(await a.count(), 1, `one ${text} link on session ${i + 1}`);
			assert.equal((await a.textContent()).trim(), text, `the ${path} link says ${text}`);
			assert.ok(await a.isVisible(), `the ${text} link is visible`);
			const box = await a.boundingBox();
			assert.ok(box && box.width > 0 && box.height > 0, `the ${text} link has a size`);
			assert.match(await a.getAttribute("href"), new RegExp(`^/programmes/${code}/sessions/\\d+/${path}$`));
		}
		const del = r.locator("form[action$='/delete']");
		assert.equal(await del.count(), 1, `a delete form on session ${i + 1}`);
		assert.match(await del.locator("input[name='csrf']").inputValue(), /^[0-9a-f]{16,}$/, "its CSRF token");
	}
	const sheets = cp.locator("#sessions a", { hasText: "考勤表" });
	assert.equal(await sheets.count(), days.length, "a sheet per session");
	assert.deepEqual((await sheets.allTextContents()).map((t) => t.trim()), days.map(() => "考勤表"));
	for (let i = 0; i < days.length; i++) {
		if (i > 0) await cp.goto(server.url + "/programmes/" + code);
		await Promise.all([cp.waitForURL(/\/sessions\/\d+\/attendance$/), sheets.nth(i).click()]);
		assert.match(await cp.textContent("main h1"), new RegExp(`考勤表 · ${title}`));
		const mine = cp.locator("table.data tbody tr", { has: cp.locator(`td:text-is("${name}")`) });
		assert.equal(await mine.count(), 1, `${name} is on the sheet`);
		assert.equal(await mine.locator("select").inputValue(), "", "not marked yet");
		await Promise.all([cp.waitForURL(/\/attendance\?done=sheet&n=\d+$/),
			cp.click("button[name='all'][value='present']")]);
		assert.equal((await cp.textContent(".notice")).trim(), `考勤已保存：${seated + 1} 人。`,
			"everyone seated marked present");
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
	await Promise.all([cp.waitForURL(/\/attendance\?done=complete&issued=\d+&already=0&not_met=0$/),
		cp.locator("button.danger", { hasText: "结业并发放学时" }).click()]);
	assert.equal(asked, "确定结业并发放学时吗？");
	const issued = Number(new URL(cp.url()).searchParams.get("issued"));
	assert.equal(issued, seated + 1, "hours issued to every participant, all present");
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
	const idsAfter = await entryIds(tp);
	const added = idsAfter.filter((id) => !idsBefore.includes(id));
	assert.deepEqual(idsBefore.filter((id) => !idsAfter.includes(id)), [], "no entry went away");
	assert.equal(added.length, 1, `exactly one new entry (new: ${added.join(", ")})`);
	assert.equal(idsAfter.length, idsBefore.length + 1);
	const entry = tp.locator("table.hours tbody tr", { has: tp.locator(`td.title-cell:text-is("${title}")`) });
	assert.equal(await entry.count(), 1, "one entry of the programme");
	assert.equal(await entry.getAttribute("id"), added[0], "the new entry is the programme's");
	const cell = async (label) => (await entry.locator(`td[data-label='${label}']`).textContent()).trim();
	assert.equal(await cell("日期"), lastDay, "dated the last session day");
	assert.equal(await cell("日期"), today, "which is today");
	assert.equal(tenths(await cell("学时")), hours10);
	assert.equal(await cell("来源"), "培训项目");
	assert.equal(await cell("项目名称"), title);
	assert.equal(tenths((await tp.textContent("table.hours tfoot td.num")).trim()), after10, "the table's total");
	const overflow = await tp.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	assert.ok(overflow <= 0, `the hours page is ${overflow}px wider than a phone`);
	await entry.scrollIntoViewIfNeeded();
	await tp.screenshot({ path: out + "training-hours.png", fullPage: true });
	if (process.env.TDC_DOCS_SCREENSHOTS === "1") {
		mkdirSync(docs, { recursive: true });
		copyFileSync(out + "training-hours.png", docs + "screenshot-hours.png");
	}
	await phone.close();
});

// A programme whose sessions are all still to come (the demo's 天河
// programmes other than today's): its organiser's candidates, in the order
// the list gives them; the first whose first sheet has somebody on it.
async function futureProgramme(cp, today) {
	let resp = await cp.goto(server.url + "/programmes?q=" + encodeURIComponent("今日开课"));
	assert.equal(resp.status(), 200);
	const todayRow = cp.locator("table.registry tbody tr", { has: cp.locator(`td.title-cell a:text-matches("${TODAY_SUFFIX}$")`) });
	assert.equal(await todayRow.count(), 1, "the programme of today is found by searching");
	const centre = (await todayRow.locator("td[data-label='主办中心']").textContent()).trim();
	resp = await cp.goto(server.url + "/programmes?status=published");
	assert.equal(resp.status(), 200);
	const rows = cp.locator("table.registry tbody tr", { has: cp.locator(`td[data-label='主办中心']:text-is("${centre}")`) });
	const codes = [];
	for (const r of await rows.all()) {
		if (!(await r.locator("td.title-cell a").textContent()).trim().endsWith(TODAY_SUFFIX))
			codes.push((await r.locator("td.title-cell code").textContent()).trim());
	}
	assert.ok(codes.length > 0, `${centre} has other published programmes`);
	for (const code of codes) {
		resp = await cp.goto(server.url + "/programmes/" + code);
		assert.equal(resp.status(), 200);
		const days = await sessionDays(cp);
		if (!days.length || days[0] <= today)
			continue;
		const title = (await cp.textContent("main h1")).trim();
		await Promise.all([cp.waitForURL(/\/sessions\/\d+\/attendance$/),
			cp.locator("#sessions tbody tr", { has: cp.locator(`td[data-label='日期']:text-is("${days[0]}")`) })
				.first().locator("a", { hasText: "考勤表" }).click()]);
		if (await cp.locator("table.data tbody select").count() > 0)
			return { code, title, days, sheet: cp.url() };
	}
	assert.fail(`none of ${codes.join(", ")} has a session to come with participants`);
}

test("attendance for a session still to come is refused, with a message", async () => {
	const today = localDay();
	const desk = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	desk.setDefaultTimeout(15000);
	const cp = await desk.newPage();
	try {
		await signIn(cp, server.url, "centre");
		const { title, days, sheet } = await futureProgramme(cp, today);
		assert.ok(days[0] > today, `its first session (${days[0]}) is after today (${today})`);
		assert.match(await cp.textContent("main h1"), new RegExp(`考勤表 · ${title}`));
		const selects = cp.locator("table.data tbody select");
		const n = await selects.count();
		assert.deepEqual(await selects.evaluateAll((ss) => ss.map((x) => x.value)), Array(n).fill(""), "nothing marked yet");

		// 全部出席 on a day to come: the sheet again, the reason on it, nothing kept
		const [resp] = await Promise.all([
			cp.waitForResponse((r) => r.request().method() === "POST" && r.url() === sheet),
			cp.click("button[name='all'][value='present']")]);
		await cp.waitForLoadState();
		assert.ok(resp.status() >= 400 && resp.status() < 500,
			`the save is refused as the user's error, not the server's: HTTP ${resp.status()}`);
		assert.equal(cp.url(), sheet, "no redirect to a saved sheet");
		assert.match(await cp.textContent("main h1"), new RegExp(`考勤表 · ${title}`), "the sheet is shown again");
		const notice = cp.locator("main .notice.error");
		assert.equal(await notice.count(), 1, "an error notice on the sheet");
		assert.ok((await notice.textContent()).trim().length > 0, "the notice says why");
		assert.equal(await cp.locator("main .notice.ok").count(), 0, "no saved notice");
		await cp.screenshot({ path: out + "training-attendance-refused.png", fullPage: true });

		const again = await cp.goto(sheet);
		assert.equal(again.status(), 200);
		assert.deepEqual(await selects.evaluateAll((ss) => ss.map((x) => x.value)), Array(n).fill(""),
			"still nothing marked");
		assert.deepEqual((await cp.locator("table.data tbody tr td:nth-child(6)").allTextContents()).map((s) => s.trim()),
			Array(n).fill("未记录"), "every row unrecorded");
	} finally {
		await desk.close();
	}
});

test("completing a programme before its last session day is refused", async () => {
	const today = localDay();
	const desk = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	desk.setDefaultTimeout(15000);
	const cp = await desk.newPage();
	try {
		await signIn(cp, server.url, "centre");
		const { code, days } = await futureProgramme(cp, today);
		assert.ok(days[days.length - 1] > today, "its last session is still to come");
		await cp.goto(server.url + `/programmes/${code}/attendance`);
		let asked = "";
		cp.once("dialog", (d) => { asked = d.message(); d.accept(); });
		const [resp] = await Promise.all([
			cp.waitForResponse((r) => r.request().method() === "POST" && r.url().endsWith(`/programmes/${code}/complete`)),
			cp.locator("button.danger", { hasText: "结业并发放学时" }).click()]);
		await cp.waitForLoadState();
		assert.equal(asked, "确定结业并发放学时吗？");
		assert.ok(resp.status() >= 400 && resp.status() < 500, `refused as the user's error: HTTP ${resp.status()}`);
		const notice = cp.locator("main .notice.error");
		assert.equal(await notice.count(), 1, "an error notice");
		const said = (await notice.textContent()).trim();
		assert.ok(said.length > 0, "the notice says why");
		assert.doesNotMatch(said, /草稿|已取消/, `the reason is the sessions to come, not a draft or cancelled programme: "${said}"`);
		const people = cp.locator("table.data", { has: cp.locator("thead th", { hasText: "学时已发放" }) });
		assert.equal(await people.count(), 1, "the participants' table");
		const issued = (await people.locator("tbody tr td:last-child").allTextContents()).map((s) => s.trim());
		assert.ok(issued.length > 0 && issued.every((s) => s === "否"), "nobody's hours issued");
		await cp.goto(server.url + "/programmes/" + code);
		assert.equal(await fact(cp, "状态"), "已发布", "the programme is not completed");
	} finally {
		await desk.close();
	}
});
