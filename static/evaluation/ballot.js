// The slip's QR code carries the code after "#": the browser never sends that part to the
// server, so no access log holds it. Put it into the form and take it out of the address bar.
(function () {
  "use strict";
  var input = document.getElementById("id_code");
  if (!input || input.type === "hidden" || !window.location.hash) {
    return;
  }
  var code = decodeURIComponent(window.location.hash.slice(1)).trim();
  if (code && !input.value) {
    input.value = code;
  }
  if (window.history && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  }
})();
