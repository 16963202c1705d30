// Ledger entry form: show the figure inputs of the selected category only. The others are
// disabled so that they are not sent (the server refuses figures of another category).
(function () {
  var select = document.getElementById("id_category");
  var figures = document.querySelectorAll("#figures .figure");
  var none = document.querySelector("#figures .no-figures");
  if (!select) return;
  function update() {
    var shown = 0;
    figures.forEach(function (box) {
      var on = box.getAttribute("data-category") === select.value;
      box.hidden = !on;
      box.querySelectorAll("input").forEach(function (input) { input.disabled = !on; });
      if (on) shown += 1;
    });
    if (none) none.hidden = shown > 0 || !select.value;
  }
  select.addEventListener("change", update);
  update();
})();
