// The writing editor: autosaves the draft every few seconds and when a field loses focus,
// carrying the version it loaded so that two tabs never overwrite each other silently (the
// server answers 409 with a Chinese message, shown above the form, and autosave stops).
// The toolbar inserts the light markup the server reads (# / ## headings, | table rows).
(function () {
  "use strict";
  var form = document.getElementById("writing-form");
  if (!form) return;
  var url = form.getAttribute("data-autosave-url");
  var version = form.querySelector("input[name=version]");
  var title = form.querySelector("input[name=title]");
  var content = form.querySelector("textarea[name=content]");
  var status = document.getElementById("autosave-status");
  var conflict = document.getElementById("autosave-conflict");
  var counter = document.getElementById("char-count");
  var INTERVAL = 5000;
  var edits = 0; // bumped on every change; a save clears only the edits it carried
  var saved = 0;
  var inFlight = false;
  var stopped = false;
  var pending = null; // a form submission waiting for the autosave in flight

  function say(text) { if (status) status.textContent = text; }

  function count() {
    if (!counter) return;
    counter.textContent = content.value.replace(/^\s*#{1,2}\s/gm, "").replace(/[\s|｜]/g, "").length;
  }

  function stop(message) {
    stopped = true;
    conflict.textContent = message;
    conflict.classList.remove("d-none");
    say("未保存");
  }

  function save() {
    if (stopped || inFlight || edits === saved) return;
    inFlight = true;
    var sending = edits;
    var body = new FormData();
    body.append("csrfmiddlewaretoken", form.querySelector("input[name=csrfmiddlewaretoken]").value);
    body.append("version", version.value);
    body.append("title", title.value);
    body.append("content", content.value);
    say("正在保存…");
    fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        return response.json().then(function (data) { return { status: response.status, data: data }; });
      })
      .then(function (result) {
        if (result.data.ok) {
          version.value = result.data.version;
          saved = sending;
          var now = new Date();
          say("已自动保存 " + String(now.getHours()).padStart(2, "0") + ":" + String(now.getMinutes()).padStart(2, "0"));
        } else if (result.status === 409) {
          stop(result.data.error);
        } else {
          say(result.data.error || "自动保存失败，请手动保存");
        }
      })
      .catch(function () { say("网络中断，恢复后会自动保存"); })
      .then(function () {
        inFlight = false;
        if (pending) { var submitter = pending.submitter; pending = null; form.requestSubmit(submitter); }
      });
  }

  function changed() { edits += 1; count(); say("有未保存的修改"); }

  [title, content].forEach(function (field) {
    field.addEventListener("input", changed);
    field.addEventListener("blur", save);
  });
  window.setInterval(save, INTERVAL);
  form.addEventListener("submit", function (event) {
    // Leaving the text box for the 保存 button fires an autosave first: wait for it and submit
    // with the version it got back, or the server would see a stale version (a false conflict).
    if (inFlight) { event.preventDefault(); pending = { submitter: event.submitter || null }; return; }
    stopped = true;
    saved = edits;
  });
  window.addEventListener("beforeunload", function (event) {
    if (edits !== saved) { event.preventDefault(); event.returnValue = ""; }
  });

  function insertAtLineStart(prefix) {
    var start = content.selectionStart;
    var lineStart = content.value.lastIndexOf("\n", start - 1) + 1;
    var line = content.value.slice(lineStart).replace(/^#{1,2}\s/, "");
    content.value = content.value.slice(0, lineStart) + prefix + line;
    content.focus();
    content.selectionStart = content.selectionEnd = lineStart + prefix.length;
    changed();
  }

  function insertTable() {
    var at = content.selectionEnd;
    var before = content.value.slice(0, at);
    var block = (before && !before.endsWith("\n") ? "\n" : "") + "| 项目 | 数量 |\n| | |\n";
    content.value = before + block + content.value.slice(at);
    content.focus();
    content.selectionStart = content.selectionEnd = at + block.length;
    changed();
  }

  document.querySelectorAll(".editor-toolbar [data-insert]").forEach(function (button) {
    button.addEventListener("click", function () { insertAtLineStart(button.getAttribute("data-insert")); });
  });
  document.querySelectorAll(".editor-toolbar [data-table]").forEach(function (button) {
    button.addEventListener("click", insertTable);
  });
  count();
})();
