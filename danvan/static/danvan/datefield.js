// Date fields typed as dd/mm/yyyy on every browser, with a small calendar to pick from
// (danvan.core.widgets.DateInput renders <input class="datefield" data-datefield="{…words…}">).
// No <input type="date">: its display follows the browser's locale (mm/dd/yyyy in English).
// From a static file, as the Content-Security-Policy asks; the calendar is laid out by
// datefield.css through classes and the `hidden` attribute, never style attributes.
//
// Keyboard: Alt+↓ in the field opens the calendar; in it, the arrows move by a day or a week,
// Page Up/Down by a month (with Shift by a year), Home/End to the week's start/end,
// Enter or Space picks, Escape closes; focus returns to the field.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var counter = 0;

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function show(d) { return pad(d.getDate()) + "/" + pad(d.getMonth() + 1) + "/" + d.getFullYear(); }
  function iso(d) { return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()); }
  function sameDay(a, b) { return !!a && !!b && iso(a) === iso(b); }
  function addDays(d, n) { return new Date(d.getFullYear(), d.getMonth(), d.getDate() + n); }
  function addMonths(d, n) {
    var last = new Date(d.getFullYear(), d.getMonth() + n + 1, 0).getDate();
    return new Date(d.getFullYear(), d.getMonth() + n, Math.min(d.getDate(), last));
  }
  function mondayIndex(d) { return (d.getDay() + 6) % 7; }

  // dd/mm/yyyy (also - or . between), or yyyy-mm-dd; null when it is not a real date.
  function parse(text) {
    var value = (text || "").trim(), m, day, month, year;
    if ((m = /^(\d{1,2})[\/.\-](\d{1,2})[\/.\-](\d{4})$/.exec(value))) {
      day = +m[1]; month = +m[2]; year = +m[3];
    } else if ((m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value))) {
      year = +m[1]; month = +m[2]; day = +m[3];
    } else {
      return null;
    }
    var d = new Date(year, month - 1, day);
    return d.getFullYear() === year && d.getMonth() === month - 1 && d.getDate() === day ? d : null;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function icon() {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "20");
    svg.setAttribute("height", "20");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(SVG, "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute("d", "M7 2h2v2h6V2h2v2h3a1 1 0 0 1 1 1v15a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1h3V2zm12 8H5v9h14v-9zM5 8h14V6H5v2zm2 4h3v3H7v-3z");
    svg.appendChild(path);
    return svg;
  }

  function enhance(input) {
    var words;
    try { words = JSON.parse(input.getAttribute("data-datefield")); } catch (e) { return; }
    counter += 1;
    if (!input.id) { input.id = "datefield-" + counter; }

    var wrap = element("span", "datefield-wrap");
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);

    var button = element("button", "datefield-open");
    button.type = "button";
    button.setAttribute("aria-label", words.open);
    button.setAttribute("title", words.open);
    button.setAttribute("aria-haspopup", "dialog");
    button.setAttribute("aria-expanded", "false");
    button.appendChild(icon());
    wrap.appendChild(button);

    var popup = element("div", "datefield-popup");
    popup.id = input.id + "-calendar";
    popup.hidden = true;
    popup.setAttribute("role", "dialog");
    popup.setAttribute("aria-label", words.dialog);
    button.setAttribute("aria-controls", popup.id);

    var head = element("div", "datefield-head");
    var previous = element("button", "datefield-nav", "‹");
    previous.type = "button";
    previous.setAttribute("aria-label", words.previous);
    previous.setAttribute("title", words.previous);
    var heading = element("div", "datefield-heading");
    heading.id = popup.id + "-heading";
    heading.setAttribute("aria-live", "polite");
    var next = element("button", "datefield-nav", "›");
    next.type = "button";
    next.setAttribute("aria-label", words.next);
    next.setAttribute("title", words.next);
    head.appendChild(previous);
    head.appendChild(heading);
    head.appendChild(next);

    var grid = element("table", "datefield-grid");
    grid.setAttribute("role", "grid");
    grid.setAttribute("aria-labelledby", heading.id);
    var thead = element("thead");
    var headRow = element("tr");
    for (var w = 0; w < 7; w += 1) {
      var th = element("th");
      th.setAttribute("scope", "col");
      var abbr = element("abbr", "", words.weekdaysShort[w]);
      abbr.setAttribute("title", words.weekdays[w]);
      th.appendChild(abbr);
      headRow.appendChild(th);
    }
    thead.appendChild(headRow);
    var tbody = element("tbody");
    grid.appendChild(thead);
    grid.appendChild(tbody);

    var foot = element("div", "datefield-foot");
    var today = element("button", "datefield-today", words.today);
    today.type = "button";
    var close = element("button", "datefield-close", words.close);
    close.type = "button";
    foot.appendChild(today);
    foot.appendChild(close);

    popup.appendChild(head);
    popup.appendChild(grid);
    popup.appendChild(foot);
    wrap.appendChild(popup);

    var focused = new Date();

    function render(moveFocus) {
      var selected = parse(input.value), now = new Date();
      heading.textContent = words.heading
        .replace("{month}", words.months[focused.getMonth()])
        .replace("{year}", focused.getFullYear());
      while (tbody.firstChild) { tbody.removeChild(tbody.firstChild); }
      var first = new Date(focused.getFullYear(), focused.getMonth(), 1);
      var day = addDays(first, -mondayIndex(first)), focusTarget = null;
      do {
        var row = element("tr");
        for (var i = 0; i < 7; i += 1) {
          var cell = element("td");
          cell.setAttribute("role", "gridcell");
          var pick = element("button", "datefield-day", String(day.getDate()));
          pick.type = "button";
          pick.setAttribute("data-date", iso(day));
          pick.setAttribute("aria-label", words.weekdays[mondayIndex(day)] + ", " + show(day));
          pick.tabIndex = sameDay(day, focused) ? 0 : -1;
          if (day.getMonth() !== focused.getMonth()) { pick.classList.add("outside"); }
          if (sameDay(day, now)) { pick.setAttribute("aria-current", "date"); }
          if (sameDay(day, selected)) {
            pick.classList.add("selected");
            cell.setAttribute("aria-selected", "true");
          }
          if (sameDay(day, focused)) { focusTarget = pick; }
          cell.appendChild(pick);
          row.appendChild(cell);
          day = addDays(day, 1);
        }
        tbody.appendChild(row);
      } while (day.getMonth() === focused.getMonth());
      if (moveFocus && focusTarget) { focusTarget.focus(); }
    }

    function place() {
      popup.classList.remove("to-left");
      var box = popup.getBoundingClientRect();
      if (box.right > document.documentElement.clientWidth - 4) { popup.classList.add("to-left"); }
    }

    function open() {
      focused = parse(input.value) || new Date();
      popup.hidden = false;
      button.setAttribute("aria-expanded", "true");
      render(true);
      place();
    }

    function shut(focusField) {
      if (popup.hidden) { return; }
      popup.hidden = true;
      button.setAttribute("aria-expanded", "false");
      if (focusField) { input.focus(); }
    }

    function choose(d) {
      input.value = show(d);
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
      shut(true);
    }

    function move(d) { focused = d; render(true); }

    button.addEventListener("click", function () {
      if (popup.hidden) { open(); } else { shut(true); }
    });
    previous.addEventListener("click", function () { focused = addMonths(focused, -1); render(false); });
    next.addEventListener("click", function () { focused = addMonths(focused, 1); render(false); });
    today.addEventListener("click", function () { choose(new Date()); });
    close.addEventListener("click", function () { shut(true); });
    tbody.addEventListener("click", function (event) {
      var pick = event.target.closest("button[data-date]");
      if (pick) { choose(parse(pick.getAttribute("data-date"))); }
    });
    tbody.addEventListener("keydown", function (event) {
      var step = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 }[event.key];
      if (step !== undefined) {
        move(addDays(focused, step));
      } else if (event.key === "PageUp" || event.key === "PageDown") {
        var months = (event.key === "PageUp" ? -1 : 1) * (event.shiftKey ? 12 : 1);
        move(addMonths(focused, months));
      } else if (event.key === "Home") {
        move(addDays(focused, -mondayIndex(focused)));
      } else if (event.key === "End") {
        move(addDays(focused, 6 - mondayIndex(focused)));
      } else {
        return;
      }
      event.preventDefault();
    });
    popup.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); shut(true); }
    });
    wrap.addEventListener("focusout", function (event) {
      if (event.relatedTarget && !wrap.contains(event.relatedTarget)) { shut(false); }
    });
    document.addEventListener("click", function (event) {
      if (!wrap.contains(event.target)) { shut(false); }
    });

    input.addEventListener("keydown", function (event) {
      if (event.altKey && event.key === "ArrowDown") { event.preventDefault(); open(); }
    });
    // Phones' number pads have no "/": typing 31122026 fills it in as 31/12/2026.
    input.addEventListener("input", function (event) {
      if (!event.inputType || event.inputType.indexOf("insert") !== 0) { return; }
      if (input.value.indexOf("//") !== -1) { input.value = input.value.replace(/\/{2,}/g, "/"); }
      if (/^\d{2}$/.test(input.value) || /^\d{1,2}\/\d{2}$/.test(input.value)) {
        input.value += "/";
      }
    });
    input.addEventListener("blur", function () {
      var digits = /^(\d{2})(\d{2})(\d{4})$/.exec(input.value.trim());
      if (digits) { input.value = digits[1] + "/" + digits[2] + "/" + digits[3]; }
    });
  }

  function ready() {
    document.querySelectorAll("input[data-datefield]").forEach(enhance);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
