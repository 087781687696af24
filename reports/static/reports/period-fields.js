// The dashboard's forms show only the fields of the chosen period (or report kind). The server
// renders the right ones; on a change of the select, this shows the new period's fields and
// hides (and disables, so they are not sent) the others, without a reload.
(function () {
  "use strict";

  function apply(select) {
    var parts = select.form.querySelectorAll('fieldset[data-for="' + select.name + '"]');
    Array.prototype.forEach.call(parts, function (part) {
      var shown = part.getAttribute("data-when").split(" ").indexOf(select.value) !== -1;
      part.hidden = !shown;
      part.disabled = !shown;
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("select[data-parts]"), function (select) {
    select.addEventListener("change", function () {
      apply(select);
    });
    apply(select);
  });
})();
