// import.test.mjs - a school admin imports two teachers through the import
// page, as a person would: choose the file, upload, wait for the check,
// confirm, wait for the import, and find the new people in the registry
// list.  Screenshots go to tests/e2e/out/ (not committed).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, launchBrowser, signIn } from "./server.mjs";

const out = new URL("./out/", import.meta.url).pathname;
const SCHOOL = "3444102077"; // the demo school admin's school
let server, browser, dir;

// A valid 18-character ID number: region, birth date, serial and the
// ISO 7064 MOD 11-2 check character.
function idNumber(region, birth, serial) {
	const weight = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
	const first = region + birth + String(serial).padStart(3, "0");
	let sum = 0;
	for (let i = 0; i < 17; i++) sum += Number(first[i]) * weight[i];
	return first + "10X98765432"[sum % 11];
}

// Names no demo person has, so the search finds exactly these.
const teachers = [
	{ id: idNumber("110101", "19870304", 551), name: "试导入甲老师", title: "中学高级" },
	{ id: idNumber("110101", "19880405", 562), name: "试导入乙老师", title: "一级" },
];

before(async () => {
	mkdirSync(out, { recursive: true });
	dir = mkdtempSync(join(tmpdir(), "tdc-e2e-import-"));
	server = await startServer({ teachers: 500 });
	browser = await launchBrowser();
});
after(async () => {
	await browser?.close();
	await server?.stop();
	if (dir) rmSync(dir, { recursive: true, force: true });
});

test("a school admin imports teachers through the page and finds them in the list", async () => {
	const file = join(dir, "新教师.csv");
	writeFileSync(file,
		"身份证号,姓名,学校标识码,岗位,学科,职称,学历,骨干级别,入职日期,手机\n" +
		teachers.map((t) => `${t.id},${t.name},${SCHOOL},教师,语文,${t.title},本科,无,2012/9/1,`).join("\n") +
		"\n");

	const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	const page = await context.newPage();
	await signIn(page, server.url, "school");

	const resp = await page.goto(server.url + "/import");
	assert.equal(resp.status(), 200);
	const form = page.locator("form.upload", { has: page.locator("input[name='kind'][value='teachers']") });
	await form.locator("input[type='file'][name='file']").setInputFiles(file);
	await Promise.all([
		page.waitForURL(/\/import\/jobs\/\d+$/),
		form.locator("button[type='submit']").click(),
	]);

	// the page follows the job (app.js) and shows the check when it is done
	await page.waitForSelector("[data-state='checked']", { timeout: 60000 });
	assert.match(await page.textContent("p.summary"), /共 2 行，新增 2，更新 0，未变化 0，有错误 0/);
	for (const t of teachers)
		assert.ok(await page.isVisible(`table.preview td:text-is("${t.name}")`), `${t.name} in the preview`);
	await page.screenshot({ path: out + "import-checked.png", fullPage: true });

	const confirm = page.locator("button", { hasText: "确认导入" });
	assert.equal(await confirm.count(), 1);
	await Promise.all([page.waitForURL(/\/import\/jobs\/\d+$/), confirm.click()]);
	await page.waitForSelector("[data-state='done']", { timeout: 60000 });
	assert.match(await page.textContent("[data-state='done']"), /已完成/);
	assert.match(await page.textContent("p.summary"), /导入完成：共 2 行，新增 2/);
	await page.screenshot({ path: out + "import.png", fullPage: true });

	// the registry list finds each by name, and only that one
	for (const [i, t] of teachers.entries()) {
		const list = await page.goto(server.url + "/persons?q=" + encodeURIComponent(t.name));
		assert.equal(list.status(), 200, "/persons answers");
		const names = await page.locator("table.registry tbody td.title-cell a").allTextContents();
		assert.deepEqual(names.map((s) => s.trim()), [t.name]);
		const row = page.locator("table.registry tbody tr", { hasText: t.name });
		// the list never shows the whole number
		assert.doesNotMatch(await row.textContent(), new RegExp(t.id));
		assert.match(await row.textContent(), new RegExp(t.id.slice(0, 4) + "\\*+" + t.id.slice(14)));
		if (i === 0) await page.screenshot({ path: out + "import-persons.png", fullPage: true });
	}
	await context.close();
});
