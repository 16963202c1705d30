// Polls a queued claims check and reloads the page when it has finished (or failed), so that
// the server renders the marked text or the failure message.
(function () {
  "use strict";
  var box = document.getElementById("claimcheck");
  if (!box) return;
  var url = box.dataset.statusUrl;
  var failures = 0;

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        failures = 0;
        if (data.finished) { window.location.reload(); return; }
        window.setTimeout(poll, 1500);
      })
      .catch(function () {
        failures += 1;
        window.setTimeout(poll, Math.min(1500 * 4 * failures, 30000));
      });
  }
  window.setTimeout(poll, 1000);
})();
