// The report documents being generated show their progress without reloading the page: a reload
// would throw away what the person is typing in the request form above. Every 3 seconds each
// pending row asks the API for its document and updates its status, bar and download links.
(function () {
  "use strict";
  var FINISHED = { done: true, failed: true };

  function link(href, text) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  }

  function update(row, doc) {
    row.querySelector(".status-label").textContent = doc.status_label;
    row.querySelector(".progress").setAttribute("aria-label", doc.progress + "%");
    row.querySelector(".progress > span").style.width = doc.progress + "%";
    row.querySelector(".progress-value").textContent = doc.progress + "%";
    if (!FINISHED[doc.status]) return;
    delete row.dataset.pending;
    if (doc.status === "done") {
      var cell = row.querySelector("td.actions");
      cell.replaceChildren(link(row.dataset.docx, "Word"), link(row.dataset.xlsx, "Excel"));
    } else if (doc.error) {
      var note = document.createElement("div");
      note.className = "note";
      note.textContent = doc.error;
      row.querySelector(".status-label").parentNode.appendChild(note);
    }
  }

  function poll() {
    var rows = document.querySelectorAll("tr[data-document][data-pending]");
    if (!rows.length) return;
    var asks = Array.prototype.map.call(rows, function (row) {
      return fetch(row.dataset.api, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (doc) { if (doc) update(row, doc); })
        .catch(function () { /* offline for a moment: ask again next time */ });
    });
    Promise.all(asks).then(function () { window.setTimeout(poll, 3000); });
  }

  window.setTimeout(poll, 3000);
})();
