// Behaviour every page shares, from a static file so the Content-Security-Policy can forbid
// inline scripts, event handlers and style attributes:
// - a <select data-autosubmit> sends its form when changed (the language switch);
// - a bar <span data-bar="45"> is drawn 45 % wide (the number is also printed beside it);
// - a form sent back with errors (_form_errors.html): the first invalid field gets the focus
//   (its closed <details> opened), and each link of the summary focuses its field.
(function () {
  "use strict";
  function ready() {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    document.querySelectorAll("[data-bar]").forEach(function (bar) {
      var value = Math.max(0, Math.min(100, parseInt(bar.dataset.bar, 10) || 0));
      bar.style.width = value + "%";
    });
    errors();
  }
  function reveal(element) {
    for (var node = element.parentElement; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") { node.open = true; }
    }
  }
  function focusField(element) {
    reveal(element);
    element.focus();
    if (element.scrollIntoView) { element.scrollIntoView({ block: "center" }); }
  }
  function errors() {
    document.querySelectorAll("[data-error-summary] a[data-focus]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var field = document.getElementById(link.dataset.focus);
        if (field) { event.preventDefault(); focusField(field); }
      });
    });
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) { return; }
    var scope = summary.closest("form") || document;
    var target = scope.querySelector("[aria-invalid=true]") || summary;
    focusField(target);
    // The browser scrolls to the URL's #fragment (the step's anchor) once the page has
    // loaded, and that takes the focus away: give it back afterwards.
    window.addEventListener("load", function () {
      window.setTimeout(function () {
        if (document.activeElement !== target) { focusField(target); }
      }, 0);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
