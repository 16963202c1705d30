// Writing pages: while a version's originality check runs, its badge shows the progress
// (polled from the report's status URL); when the check ends the page reloads to show the ratio.
(function () {
  "use strict";
  var badges = document.querySelectorAll("[data-report-status-url]");
  if (!badges.length) return;
  var url = badges[0].dataset.reportStatusUrl;
  var failures = 0;

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        failures = 0;
        if (data.finished) { window.location.reload(); return; }
        badges.forEach(function (b) {
          if (b.dataset.reportStatusUrl !== url) return;
          var p = b.querySelector("[data-report-progress]");
          if (p) p.textContent = data.progress;
        });
        window.setTimeout(poll, 1500);
      })
      .catch(function () {
        failures += 1;
        if (failures < 10) window.setTimeout(poll, 3000 * failures);
      });
  }
  window.setTimeout(poll, 1500);
})();
