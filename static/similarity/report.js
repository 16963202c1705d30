// Polls a running originality check and updates the progress bar; reloads the page when the
// check has finished (or failed), so that the server renders the report or the retry button.
(function () {
  "use strict";
  var box = document.getElementById("report");
  if (!box || box.dataset.finished === "1") return;
  var url = box.dataset.statusUrl;
  var bar = document.getElementById("report-progress");
  var percent = document.getElementById("report-percent");
  var status = document.getElementById("report-status");
  var message = document.getElementById("report-message");
  var delay = 1000;
  var failures = 0;

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        failures = 0;
        if (bar) { bar.value = data.progress; bar.textContent = data.progress + "%"; }
        if (percent) percent.textContent = data.progress;
        status.textContent = data.status_label;
        if (message) message.textContent = data.message;
        if (data.finished) { window.location.reload(); return; }
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        failures += 1;
        if (message) message.textContent = "暂时无法获取查重进度，正在重试……";
        window.setTimeout(poll, Math.min(delay * 4 * failures, 30000));
      });
  }
  window.setTimeout(poll, delay);
})();
