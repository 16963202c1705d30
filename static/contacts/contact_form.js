// Phone and ID number are asked only for households (农户) and petitioners (信访人).
(function () {
  "use strict";
  var kind = document.getElementById("id_kind");
  if (!kind) { return; }
  var personal = ["id_phone", "id_id_number"];
  function update() {
    var show = kind.value === "household" || kind.value === "petitioner";
    personal.forEach(function (id) {
      var input = document.getElementById(id);
      if (!input) { return; }
      var block = input.closest(".mb-3");
      // Never hide a field with an error, or one that already holds a value.
      if (block) { block.hidden = !show && !input.value && !block.querySelector(".invalid-feedback"); }
    });
  }
  kind.addEventListener("change", update);
  update();
})();
