/* The live board: asks every second whether anything changed (a cheap version number; 204 when
 * not), and redraws the totals and the rows in place. A full refresh every 15 s picks up list and
 * declaration changes that do not move the version. */
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board) return;
  var url = board.dataset.state, version = board.dataset.version, polls = 0;
  function set(node, k, value) {
    var cell = node.querySelector('[data-k="' + k + '"]');
    if (cell && cell.textContent !== String(value)) cell.textContent = value;
  }
  function bars() {
    board.querySelectorAll("#rows tr").forEach(function (tr) {
      var e = parseInt(tr.querySelector('[data-k="expected"]').textContent, 10) || 0;
      var c = parseInt(tr.querySelector('[data-k="checked_in"]').textContent, 10) || 0;
      var bar = tr.querySelector('[data-k="bar"]');
      bar.style.width = (e ? Math.min(100, Math.round(100 * c / e)) : 0) * 0.6 + "px";
      bar.title = e ? Math.round(100 * c / e) + "%" : "";
      tr.classList.toggle("full", e > 0 && c >= e);
    });
  }
  function draw(data) {
    Object.keys(data.totals).forEach(function (k) { set(document.getElementById("totals"), k, data.totals[k]); });
    data.venues.forEach(function (v) {
      var tr = board.querySelector('#rows tr[data-venue="' + v.venue + '"]');
      if (!tr) return;
      ["expected", "checked_in", "late", "not_eligible", "replaced"].forEach(function (k) { set(tr, k, v[k]); });
    });
    var dupes = document.getElementById("dupes"), list = document.getElementById("dupe-list");
    dupes.hidden = !(data.duplicates && data.duplicates.length);
    list.textContent = "";
    (data.duplicates || []).forEach(function (d) {
      var li = document.createElement("li");
      li.textContent = [d.name, d.venue, d.first_at + " / " + d.at].join(" · ");
      list.appendChild(li);
    });
    var at = new Date(data.at);
    try {
      document.getElementById("updated").textContent = new Intl.DateTimeFormat("zh-CN", {
        hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false, timeZone: data.time_zone}).format(at);
    } catch (e) {
      document.getElementById("updated").textContent = at.toLocaleTimeString();
    }
    board.dataset.version = version = data.version;
    bars();
  }
  function poll() {
    polls++;
    var full = polls % 15 === 0;
    fetch(url + (full ? "" : "?v=" + encodeURIComponent(version)), {credentials: "same-origin", cache: "no-store"})
      .then(function (resp) { return resp.status === 200 ? resp.json() : null; })
      .then(function (data) { if (data) draw(data); })
      .catch(function () {})
      .then(function () { setTimeout(poll, 1000); });
  }
  bars();
  setTimeout(poll, 1000);
})();
