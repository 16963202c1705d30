// The batch export form: offer only the requirements of the chosen cohort and kind. The server
// checks the choice again; without this script every requirement is listed.
(function () {
  "use strict";
  var cohort = document.getElementById("id_cohort");
  var kind = document.getElementById("id_kind");
  var requirement = document.getElementById("id_requirement");
  if (!cohort || !kind || !requirement) return;

  function update() {
    Array.prototype.forEach.call(requirement.options, function (option) {
      if (!option.value) return;
      var fits = (!cohort.value || option.dataset.cohort === cohort.value) &&
        (!kind.value || option.dataset.kind === kind.value);
      option.hidden = !fits;
      option.disabled = !fits;
      if (!fits && option.selected) requirement.value = "";
    });
  }
  cohort.addEventListener("change", update);
  kind.addEventListener("change", update);
  update();
})();
