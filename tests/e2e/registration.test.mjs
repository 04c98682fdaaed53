// registration.test.mjs - the re-registration journey of issue 6 §5, as the
// people would do it: the teacher opens 定期注册 on her phone, reads what
// the rules give her today condition by condition, and applies; her school
// admin agrees; the district centre's admin decides; the teacher finds the
// decision under 公示 on her page and on the school's notice, and opens the
// printable decision.  The demo teacher lacks hours for the 2021 cycle, so
// the decision is 暂缓注册 with its reasons: what she would see.
// Screenshots go to tests/e2e/out/ (not committed).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { startServer, launchBrowser, signIn } from "./server.mjs";

const out = new URL("./out/", import.meta.url).pathname;
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

test("teacher applies, school agrees, centre decides, teacher sees 公示", async () => {
	const base = server.url;
	const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
	const tp = await phone.newPage();
	await signIn(tp, base, "teacher");

	// her status: every condition, what is missing, the apply button
	await Promise.all([tp.waitForURL(base + "/registration"),
		tp.locator("nav.main a[href='/registration']").click()]);
	assert.match(await tp.textContent("main h1"), /教师资格定期注册/);
	assert.match(await tp.textContent(".page-head .scope"), /2021–2025/);
	assert.equal(await tp.locator("table.conditions tr[data-condition='appraisal']").count(), 5);
	const outcomeNow = await tp.getAttribute("section.registration-status [data-outcome]", "data-outcome");
	assert.ok(["qualified", "deferred", "refused"].includes(outcomeNow));
	if (outcomeNow !== "qualified")
		assert.ok(await tp.locator("section.registration-status ul.reasons li").count() > 0,
			"what is missing is listed");
	await tp.fill("textarea[name=statement]", "本周期培训与考核材料已齐备，请审核。");
	await Promise.all([tp.waitForURL(base + "/registration?done=applied"),
		tp.click("form.apply button[type=submit]")]);
	assert.equal(await tp.locator("table.history [data-state='applied']").count(), 1);
	assert.equal(await tp.locator("form.apply").count(), 0, "no second application");

	// the school admin agrees
	const desk = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	const sp = await desk.newPage();
	await signIn(sp, base, "school");
	await Promise.all([sp.waitForURL(base + "/registration/review"),
		sp.locator("nav.main a[href='/registration/review']").click()]);
	const row = sp.locator("table.review tbody tr[data-application]");
	assert.equal(await row.count(), 1);
	assert.match(await row.textContent(), /本周期培训与考核材料已齐备/);
	await Promise.all([sp.waitForURL(base + "/registration/review?done=agreed"),
		row.locator("form.inline button").click()]);
	assert.equal(await sp.locator("table.review tbody tr[data-application]").count(), 0);

	// the district centre decides, with the outcome the rules give now
	const centreCtx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	const cp = await centreCtx.newPage();
	await signIn(cp, base, "centre");
	await Promise.all([cp.waitForURL(/\/registration\/decide\/2021$/),
		cp.locator("nav.main a[href='/registration/decide']").click()]);
	const pending = cp.locator("table.decide tbody tr[data-application]");
	assert.equal(await pending.count(), 1);
	const decidedOutcome = await pending.locator("[data-outcome]").first().getAttribute("data-outcome");
	await pending.locator("input[name=note]").fill("经审核，按规则审定。");
	await Promise.all([cp.waitForURL(/\/registration\/decide\/2021\?done=decided$/),
		pending.locator("button[type=submit]").click()]);
	assert.equal(await cp.locator("table.decide tbody tr[data-application]").count(), 0);

	// the teacher: her decision under 公示, on her page and the school's notice
	await tp.goto(base + "/registration");
	const mine = tp.locator("table.history tr[data-application]").first();
	assert.equal(await mine.locator("[data-state]").getAttribute("data-state"), "decided");
	assert.equal(await mine.locator("[data-outcome]").getAttribute("data-outcome"), decidedOutcome);
	assert.equal(await mine.locator("[data-publicity]").getAttribute("data-publicity"), "posted");
	await tp.screenshot({ path: out + "registration-teacher-posted.png", fullPage: true });
	await Promise.all([tp.waitForURL(base + "/registration/public"),
		tp.locator("main a[href='/registration/public']").click()]);
	assert.equal(await tp.locator("table.public tbody tr[data-application]").count(), 1);
	assert.doesNotMatch(await tp.textContent("table.public"), /\d{6}\*+/, "no ID numbers on the notice");

	// the printable decision
	await tp.goto(base + "/registration");
	await Promise.all([tp.waitForURL(/\/registration\/\d+\/decision$/),
		tp.locator("table.history a[href$='/decision']").first().click()]);
	assert.match(await tp.textContent("main h1"), /审定决定/);
	assert.equal(await tp.locator("article.decision [data-outcome]").getAttribute("data-outcome"), decidedOutcome);
	await tp.emulateMedia({ media: "print" });
	assert.equal(await tp.locator("nav.main").isVisible(), false, "print hides the menu");
	await tp.screenshot({ path: out + "registration-decision-print.png", fullPage: true });

	await phone.close();
	await desk.close();
	await centreCtx.close();
});
