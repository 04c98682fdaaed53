// server.mjs - a real tdc on an ephemeral loopback port with a temporary
// demo database, for the browser tests.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const PASSWORD = "tdc-demo";
const bin = process.env.TDC_BIN || new URL("../../build/tdc", import.meta.url).pathname;

export async function startServer({ teachers = 2000 } = {}) {
	const dir = mkdtempSync(join(tmpdir(), "tdc-e2e-"));
	const db = join(dir, "e2e.db");
	execFileSync(bin, ["init", "--db", db, "--demo", "--teachers", String(teachers), "--seed", "1"],
		{ stdio: "pipe" });
	const proc = spawn(bin, ["serve", "--db", db, "--listen", "127.0.0.1:0"],
		{ stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, TDC_ACCESS_LOG: "false" } });
	const url = await new Promise((resolve, reject) => {
		let out = "";
		const timer = setTimeout(() => reject(new Error("tdc serve did not start: " + out)), 10000);
		proc.stdout.on("data", (d) => {
			out += d;
			const m = out.match(/serving (http:\/\/[^ ]+)/);
			if (m) { clearTimeout(timer); resolve(m[1].replace(/\/$/, "")); }
		});
		proc.on("exit", (code) => reject(new Error("tdc serve exited " + code + ": " + out)));
	});
	return {
		url, db, dir,
		async stop() {
			const done = new Promise((r) => proc.on("exit", r));
			proc.kill("SIGTERM");
			await done;
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

// Debian's Chromium, never a downloaded one; the flags keep it off the
// network this machine does not have.
export function launchBrowser() {
	return chromium.launch({
		executablePath: "/usr/bin/chromium",
		headless: true,
		args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync"],
	});
}

export async function signIn(page, base, login) {
	await page.goto(base + "/login");
	await page.fill("#login", login);
	await page.fill("#password", PASSWORD);
	await Promise.all([page.waitForURL(base + "/"), page.click("button.primary")]);
}
