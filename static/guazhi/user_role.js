// Role form: a search box over the cadre list (120+ names), and only the field the chosen role
// needs. Options are removed and re-added rather than hidden: phone browsers show hidden options.
(function () {
  var select = document.getElementById("id_cadre");
  var filter = document.getElementById("id_cadre_filter");
  if (select && filter) {
    var all = Array.prototype.slice.call(select.options).map(function (o) {
      return { value: o.value, text: o.text };
    });
    filter.hidden = false;
    filter.addEventListener("input", function () {
      var words = filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var chosen = select.value;
      select.innerHTML = "";
      all.forEach(function (o) {
        var text = o.text.toLowerCase();
        var match = !o.value || o.value === chosen || words.every(function (w) { return text.indexOf(w) !== -1; });
        if (match) {
          var option = new Option(o.text, o.value, false, o.value === chosen);
          select.add(option);
        }
      });
      // One match besides the blank choice: pick it, as a person would.
      if (select.options.length === 2 && !chosen) select.selectedIndex = 1;
    });
  }

  var role = document.getElementById("id_role");
  var unitGroup = document.getElementById("id_unit_group");
  var cadreGroup = document.getElementById("id_cadre_group");
  if (!role || !unitGroup || !cadreGroup) return;
  function show() {
    var liaison = role.value === "host_liaison" || role.value === "home_liaison";
    unitGroup.hidden = !liaison;
    cadreGroup.hidden = role.value !== "cadre";
  }
  role.addEventListener("change", show);
  show();
})();
