// Ledger offline queue. On the entry form, a submission that cannot reach the server (no
// signal in the village) is kept on the phone (IndexedDB, photos included) and sent when the
// connection returns, with its own client_uuid, so that a resend never makes a duplicate.
// On every ledger page it registers the service worker and sends what is waiting.
(function () {
  "use strict";
  var script = document.currentScript;
  var createUrl = script.getAttribute("data-create-url");
  var swUrl = script.getAttribute("data-sw-url");
  var DB = "guazhi-ledger";
  var STORE = "outbox";

  if ("serviceWorker" in navigator && swUrl) {
    navigator.serviceWorker.register(swUrl, { scope: "/ledger/" }).catch(function () {});
  }

  function newUuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function csrfToken() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function openDb() {
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) { reject(new Error("no indexedDB")); return; }
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "id" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(result && result.result !== undefined ? result.result : result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function allQueued() { return withStore("readonly", function (s) { return s.getAll(); }); }
  function putQueued(item) { return withStore("readwrite", function (s) { s.put(item); }); }
  function dropQueued(id) { return withStore("readwrite", function (s) { s["delete"](id); }); }

  // --- What the page shows ----------------------------------------------------------------
  var panel = document.getElementById("outbox");
  var noted = false;

  function render() {
    if (!panel) return Promise.resolve();
    return allQueued().then(function (items) {
      panel.hidden = items.length === 0 && !noted;
      var list = panel.querySelector("ul");
      panel.querySelector("[data-count]").textContent = String(items.length);
      panel.querySelector("[data-waiting]").hidden = items.length === 0; // only the note is left
      list.textContent = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.className = "list-group-item small";
        li.textContent = item.date + " " + item.title;
        if (item.error) {
          var err = document.createElement("div");
          err.className = "text-danger";
          err.textContent = "提交未成功：" + item.error;
          var drop = document.createElement("button");
          drop.type = "button";
          drop.className = "btn btn-link btn-sm p-0 ms-2";
          drop.textContent = "放弃这条";
          drop.addEventListener("click", function () { dropQueued(item.id).then(render); });
          err.appendChild(drop);
          li.appendChild(err);
        }
        list.appendChild(li);
      });
    }).catch(function () {});
  }

  function note(text, kind) {
    if (!panel) return;
    noted = true;
    panel.hidden = false;
    var box = panel.querySelector("[data-note]");
    box.textContent = text;
    box.className = "small mt-2 text-" + (kind || "muted");
  }

  // --- Sending --------------------------------------------------------------------------
  function post(fields, files) {
    var data = new FormData();
    fields.forEach(function (pair) { data.append(pair[0], pair[1]); });
    (files || []).forEach(function (f) { data.append("files", f.blob, f.name); });
    return fetch(createUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() },
    });
  }

  function errorsText(errors) {
    return Object.keys(errors || {}).map(function (k) {
      return (k === "__all__" ? "" : k + "：") + errors[k].join("；");
    }).join(" ");
  }

  var sending = false;
  function flush() {
    if (sending || !createUrl || !navigator.onLine) return;
    sending = true;
    var sent = 0;
    allQueued().then(function (items) {
      var pending = items.filter(function (i) { return !i.error; });
      return pending.reduce(function (chain, item) {
        return chain.then(function (stop) {
          if (stop) return true;
          return post(item.fields, item.files).then(function (response) {
            if (response.redirected || response.status === 403) {
              note("登录已过期。请重新登录，手机上的纪实会自动提交。", "danger");
              return true;
            }
            return response.json().then(function (body) {
              if (body.ok) {
                sent += 1;
                return dropQueued(item.id).then(function () { return false; });
              }
              item.error = errorsText(body.errors);
              return putQueued(item).then(function () { return false; });
            });
          }, function () { return true; }); // still no connection: try again later
        });
      }, Promise.resolve(false));
    }).catch(function () {}).then(function () {
      sending = false;
      if (sent) note("已联网，手机上保存的 " + sent + " 条纪实已提交。", "success");
      render();
    });
  }

  // --- The entry form ---------------------------------------------------------------------
  var form = document.querySelector("form[data-offline]");
  if (form) {
    var uuidInput = form.querySelector("input[name=client_uuid]");
    var button = form.querySelector("[type=submit]");
    var pageUuid = null; // one identifier per page view: a double tap is the same entry

    form.addEventListener("submit", function (event) {
      if (form.hasAttribute("data-native")) return;
      event.preventDefault();
      pageUuid = pageUuid || newUuid();
      uuidInput.value = pageUuid;
      var fields = [];
      new FormData(form).forEach(function (value, name) {
        if (typeof value === "string" && name !== "csrfmiddlewaretoken") fields.push([name, value]);
      });
      var files = Array.prototype.map.call(form.querySelector("input[type=file]").files, function (f) {
        return { name: f.name, type: f.type, blob: f };
      });
      button.disabled = true;
      function nativeSubmit() {
        // The server answers in its own page (messages beside the inputs, or the login page).
        form.setAttribute("data-native", "");
        button.disabled = false;
        form.submit();
      }
      function keepOnPhone() {
        var get = function (n) {
          var f = fields.filter(function (p) { return p[0] === n; })[0];
          return f ? f[1] : "";
        };
        var item = { id: pageUuid, fields: fields, files: files, date: get("date"), title: get("title"), savedAt: Date.now() };
        putQueued(item).then(function () {
          form.reset();
          var category = form.querySelector("select[name=category]");
          if (category) category.dispatchEvent(new Event("change"));
          pageUuid = null;
          button.disabled = false;
          note("当前没有网络。这条纪实已保存在手机上，联网后会自动提交，请不要清除浏览器数据。", "success");
          render();
          window.scrollTo(0, 0);
        }, function () {
          button.disabled = false;
          note("当前没有网络，且这台手机不能离线保存。请联网后再提交。", "danger");
        });
      }
      post(fields, files).then(function (response) {
        if (response.redirected || response.status === 403) { nativeSubmit(); return; }
        response.json().then(function (body) {
          if (body.ok) window.location.href = body.url;
          else nativeSubmit();
        }, nativeSubmit);
      }, keepOnPhone); // fetch itself failed: no connection
    });
  }

  window.addEventListener("online", flush);
  render().then(flush);
})();
