// home.test.mjs - sign in as each demo role and look at the home page in
// Chinese, in English and at phone width.  Screenshots go to tests/e2e/out/
// (not committed).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { startServer, launchBrowser, signIn } from "./server.mjs";

const out = new URL("./out/", import.meta.url).pathname;
const roles = [
	// login, role name in zh and en as the header shows it
	["admin", "系统管理员", "System admin"],
	["bureau", "教育局", "Education bureau"],
	["centre", "中心管理员", "Centre admin"],
	["kg-centre", "中心管理员", "Centre admin"],
	["school", "学校管理员", "School admin"],
	["teacher", "教师", "Teacher"],
	["alliance", "联盟秘书处", "Alliance secretariat"],
	["evaluator", "评估专家", "Evaluator"],
];
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

test("anonymous visitors are sent to the sign-in page", async () => {
	const page = await browser.newPage();
	await page.goto(server.url + "/");
	assert.equal(new URL(page.url()).pathname, "/login");
	assert.ok(await page.isVisible("form[action='/login'] #password"));
	await page.screenshot({ path: out + "login-zh.png", fullPage: true });
	await page.close();
});

test("a wrong password shows a clear message and no session", async () => {
	const page = await browser.newPage();
	await page.goto(server.url + "/login");
	await page.fill("#login", "teacher");
	await page.fill("#password", "not the password");
	await page.click("button.primary");
	assert.match(await page.textContent(".notice.error"), /账号或密码不正确/);
	await page.goto(server.url + "/");
	assert.equal(new URL(page.url()).pathname, "/login");
	await page.close();
});

for (const [login, zh, en] of roles) {
	test(`${login}: home page in Chinese, English and at phone width`, async () => {
		const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
		const page = await context.newPage();
		await signIn(page, server.url, login);
		assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
		assert.match(await page.textContent("header .role"), new RegExp(zh));
		assert.ok(await page.isVisible("main h1"));
		// the stylesheet is applied: the header is the brand colour
		const bg = await page.$eval("header.site", (e) => getComputedStyle(e).backgroundColor);
		assert.equal(bg, "rgb(31, 95, 139)");
		await page.screenshot({ path: `${out}home-${login}-zh.png`, fullPage: true });

		await Promise.all([page.waitForURL(server.url + "/"), page.click("a.lang")]);
		assert.equal(await page.getAttribute("html", "lang"), "en");
		assert.match(await page.textContent("header .role"), new RegExp(en));
		assert.match(await page.textContent("header .signout button"), /Sign out/);
		await page.screenshot({ path: `${out}home-${login}-en.png`, fullPage: true });
		// back to Chinese for the next run of this account
		await Promise.all([page.waitForURL(server.url + "/"), page.click("a.lang")]);
		assert.equal(await page.getAttribute("html", "lang"), "zh-CN");

		await page.setViewportSize({ width: 375, height: 812 });
		await page.reload();
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
		assert.ok(overflow <= 0, `page is ${overflow}px wider than a phone`);
		await page.screenshot({ path: `${out}home-${login}-phone.png`, fullPage: true });

		await Promise.all([page.waitForURL(/\/login/), page.click("header .signout button")]);
		await context.close();
	});
}

test("a role sees a friendly 403 page where it may not go", async () => {
	const page = await browser.newPage();
	await signIn(page, server.url, "teacher");
	const resp = await page.goto(server.url + "/admin/accounts");
	assert.equal(resp.status(), 403);
	assert.match(await page.textContent("main h1"), /无权访问/);
	assert.ok(await page.isVisible("a.button[href='/']"));
	await page.screenshot({ path: out + "forbidden-teacher.png" });
	await page.close();
});
