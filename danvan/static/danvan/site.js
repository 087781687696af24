// Behaviour every page shares, from a static file so the Content-Security-Policy can forbid
// inline scripts, event handlers and style attributes:
// - a <select data-autosubmit> sends its form when changed (the language switch);
// - a bar <span data-bar="45"> is drawn 45 % wide (the number is also printed beside it).
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
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
