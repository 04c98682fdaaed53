/* app.js - progressive enhancement only: every page works without it. */
"use strict";
document.addEventListener("submit", function (e) {
	/* ask before a destructive action */
	var b = e.submitter;
	if (b && b.classList.contains("danger") && b.dataset.confirm && !window.confirm(b.dataset.confirm))
		e.preventDefault();
});
