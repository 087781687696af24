// The intake form asks, while the cadre types, for earlier petitions that may be the same
// matter (same CCCD or phone, or a similar name and summary in the same commune), and shows
// them in the #duplicates box with a choice: a repeat of one of them, or a new matter. The
// server asks again on save (petitions.views.petition_intake), so this is a convenience only.
(function () {
  "use strict";
  var box = document.getElementById("duplicates");
  if (!box || !box.dataset.url) return;
  var form = box.closest("form");
  var WATCHED = ["citizen_id", "phone", "full_name", "summary", "content", "location_unit", "is_anonymous"];
  var timer = null;
  var last = "";
  var sequence = 0;

  function value(name) {
    var field = form.elements[name];
    if (!field) return "";
    if (field.type === "checkbox") return field.checked ? "on" : "";
    return (field.value || "").trim();
  }

  function worthAsking() {
    if (value("is_anonymous")) return value("summary").split(/\s+/).length >= 3;
    var digits = value("citizen_id").replace(/\D/g, "");
    var phone = value("phone").replace(/\D/g, "");
    return digits.length === 12 || phone.length >= 9 || value("full_name").length >= 5 ||
      value("summary").split(/\s+/).length >= 3;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function choiceRow(id, labelText, checked) {
    var li = el("li");
    var input = el("input", { type: "radio", name: "duplicate_choice", id: "duplicate-" + id, value: String(id) });
    input.checked = checked;
    li.appendChild(input);
    li.appendChild(document.createTextNode(" "));
    li.appendChild(el("label", { for: "duplicate-" + id }, labelText));
    return li;
  }

  function render(candidates) {
    var list = box.querySelector(".duplicate-list");
    var checked = form.querySelector("input[name=duplicate_choice]:checked");
    var chosen = checked ? checked.value : "";
    var template = box.dataset;
    var rows = candidates.map(function (c) {
      var li = choiceRow(c.id, template.repeatOf.replace("%(code)s", c.code), chosen === String(c.id));
      li.dataset.petition = c.id;
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("a", { href: c.url, target: "_blank", rel: "noopener" }, template.open));
      li.appendChild(el("div", { class: "meta" }, [c.received_on, c.kind, c.status, c.reason].join(" · ")));
      li.appendChild(el("div", {}, c.summary));
      return li;
    });
    var none = choiceRow("none", template.newMatter, chosen === "none");
    none.className = "none";
    rows.push(none);
    list.replaceChildren.apply(list, rows);
    box.querySelector("input[name=duplicates_shown]").value = candidates.map(function (c) { return c.id; }).join(",");
    box.hidden = candidates.length === 0;
  }

  function ask() {
    if (!worthAsking()) { render([]); return; }
    var body = new FormData(form);
    var key = WATCHED.map(value).join("\u0001");
    if (key === last) return;
    last = key;
    var mine = ++sequence;
    fetch(box.dataset.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && mine === sequence) render(data.candidates || []);
      })
      .catch(function () { last = ""; });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(ask, 400);
  }

  WATCHED.forEach(function (name) {
    var field = form.elements[name];
    if (!field) return;
    field.addEventListener("input", later);
    field.addEventListener("change", later);
  });
})();
