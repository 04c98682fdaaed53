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
