/* app.js - progressive enhancement only: every page works without it. */
"use strict";
document.addEventListener("submit", function (e) {
	/* ask before a destructive action */
	var b = e.submitter;
	if (b && b.classList.contains("danger") && b.dataset.confirm && !window.confirm(b.dataset.confirm))
		e.preventDefault();
});

/* An import job's page follows the job until its state changes, then
 * reloads to show the outcome (web/pages/import.c). */
(function () {
	var box = document.querySelector("[data-job]");
	if (!box || !window.fetch)
		return;
	var state = document.querySelector("[data-state]").dataset.state;
	var bar = box.querySelector("progress"), rows = box.querySelector(".job-rows");
	function poll() {
		fetch("/api/v1/import-jobs/" + box.dataset.job, { credentials: "same-origin" })
			.then(function (r) { return r.json(); })
			.then(function (j) {
				if (j.state !== state) {
					window.location.reload();
					return;
				}
				bar.value = j.progress;
				rows.textContent = j.rows;
				setTimeout(poll, 500);
			})
			.catch(function () { setTimeout(poll, 2000); });
	}
	setTimeout(poll, 300);
})();

/* The check-in code on a session's QR page changes every 30 seconds
 * (web/pages/attendance.c): count down, then fetch the new code and the
 * seconds it has left (X-Checkin-Seconds).  Without JavaScript the page's
 * <noscript> refresh reloads the whole page instead. */
(function () {
	var box = document.querySelector("[data-qr-src]");
	if (!box || !window.fetch)
		return;
	var code = box.querySelector("[data-qr-code]"), count = box.querySelector("[data-countdown]");
	var link = box.querySelector(".qr-url");
	var left = parseInt(box.dataset.seconds, 10) || 30;
	function refresh() {
		fetch(box.dataset.qrSrc, { credentials: "same-origin", cache: "no-store" })
			.then(function (r) {
				if (!r.ok)
					throw new Error("status " + r.status);
				left = parseInt(r.headers.get("X-Checkin-Seconds"), 10) || 30;
				return r.text();
			})
			.then(function (svg) {
				code.innerHTML = svg;
				var title = code.querySelector("title");
				if (title && link) {
					link.textContent = title.textContent;
					link.href = title.textContent;
				}
				count.textContent = left;
			})
			.catch(function () { left = 3; });
	}
	setInterval(function () {
		left -= 1;
		if (left <= 0) {
			left = 30;
			refresh();
		}
		count.textContent = left;
	}, 1000);
})();
