/* The receipt form: add/remove rows, paste rows copied from Excel or WPS straight into the table.
   Plain JavaScript, no libraries; without it the form still works (the server reads the paste box). */
(function () {
  "use strict";
  var FIELDS = ["name", "unit", "position", "phone", "category"];
  var HEADERS = {"姓名": "name", "名字": "name", "单位": "unit", "工作单位": "unit", "职务": "position",
    "职务/职称": "position", "职称": "position", "手机": "phone", "手机号": "phone", "手机号码": "phone",
    "联系电话": "phone", "电话": "phone", "类别": "category", "参会类别": "category", "序号": "#", "编号": "#"};
  var table = document.getElementById("rows");
  if (!table) return;
  var tbody = table.tBodies[0];
  var template = document.getElementById("row-template");
  var counter = document.getElementById("row-count");

  function rows() { return Array.prototype.slice.call(tbody.querySelectorAll("tr.row")); }
  function cell(tr, f) { return tr.querySelector("[name=" + f + "]"); }
  function isEmpty(tr) {
    return ["name", "unit", "position", "phone"].every(function (f) { return !cell(tr, f).value.trim(); });
  }
  function renumber() {
    var filled = 0;
    rows().forEach(function (tr, i) {
      tr.querySelector(".n").textContent = i + 1;
      if (!isEmpty(tr)) filled++;
    });
    if (counter) counter.textContent = filled;
  }
  function addRow(values) {
    var tr = template.content.firstElementChild.cloneNode(true);
    tbody.appendChild(tr);
    if (values) fill(tr, values, 0);
    renumber();
    return tr;
  }
  function setSelect(sel, value) {
    value = (value || "").trim();
    for (var i = 0; i < sel.options.length; i++) {
      var o = sel.options[i];
      if (o.value === value || o.text.replace(/[“”"]/g, "") === value.replace(/[“”"]/g, "")) { sel.selectedIndex = i; return; }
    }
    sel.selectedIndex = 0;
  }
  function fill(tr, values, from) {
    for (var k = 0; k < values.length && from + k < FIELDS.length; k++) {
      var el = cell(tr, FIELDS[from + k]);
      if (!el) continue;  // the event has no categories: no such column
      if (el.tagName === "SELECT") setSelect(el, values[k]); else el.value = (values[k] || "").trim();
    }
  }
  /* a line typed with single spaces, as the server's _single_spaced reads it: no serial number, a phone
     written in groups joined again, the line whole when its words outnumber the columns */
  function singleSpaced(line) {
    var given = line.trim().split(/\s+/), words = [];
    if (given.length > 2 && /^\d{1,3}$/.test(given[0])) given = given.slice(1);
    given.forEach(function (w) {
      if (words.length && /^[\d+\-]+$/.test(w) && /^[\d+\-]+$/.test(words[words.length - 1])) words[words.length - 1] += w;
      else words.push(w);
    });
    return words.length > 1 && words.length <= FIELDS.length ? words : [line.trim()];
  }
  function parse(text) {
    var lines = text.replace(/\r\n?/g, "\n").split("\n").filter(function (l) { return l.trim(); });
    if (!lines.length) return {order: FIELDS, rows: []};
    var tabbed = lines.some(function (l) { return l.indexOf("\t") >= 0; });
    var data = lines.map(function (l) {
      if (tabbed) return l.split("\t");
      var parts = l.trim().split(/\s*[,，;；]\s*/);
      if (parts.length === 1) parts = l.trim().split(/\s{2,}|\u3000+/);
      return parts.length > 1 ? parts : singleSpaced(l);
    });
    var head = data[0].map(function (c) { return c.replace(/\s/g, ""); });
    var order = null;
    if (head.some(function (h) { return HEADERS[h] && HEADERS[h] !== "#"; })) {
      order = head.map(function (h) { return HEADERS[h] || ""; });
      data = data.slice(1);
    } else if (data.every(function (r) { return /^\d{1,3}$/.test((r[0] || "").trim()); }) &&
               Math.max.apply(null, data.map(function (r) { return r.length; })) > 2) {
      order = ["#"].concat(FIELDS);
    }
    return {order: order, rows: data};
  }
  function toRecord(order, cells) {
    var rec = ["", "", "", "", ""];
    (order || FIELDS).forEach(function (f, i) {
      var at = FIELDS.indexOf(f);
      if (at >= 0 && i < cells.length) rec[at] = cells[i];
    });
    return rec;
  }
  /* put parsed rows into the table from row `start`, column `col` (0 = 姓名) onwards */
  function place(parsed, start, col) {
    var all = rows();
    var at = start;
    parsed.rows.forEach(function (cells) {
      var values = parsed.order ? toRecord(parsed.order, cells) : cells;
      var from = parsed.order ? 0 : col;
      if (parsed.order) { while (at < all.length && !isEmpty(all[at])) at++; }
      var tr = at < all.length ? all[at] : addRow();
      all = rows();
      fill(tr, values, from);
      at++;
    });
    renumber();
  }

  document.getElementById("add-row").addEventListener("click", function () {
    var last = rows().pop();
    var tr = addRow();
    if (last && cell(last, "unit").value) cell(tr, "unit").value = cell(last, "unit").value;
    cell(tr, "name").focus();
  });
  tbody.addEventListener("click", function (e) {
    var btn = e.target.closest(".remove");
    if (!btn) return;
    var tr = btn.closest("tr");
    var next = tr.nextElementSibling;
    if (next && next.classList.contains("row-errors")) next.remove();
    tr.remove();
    if (!rows().length) addRow();
    renumber();
  });
  tbody.addEventListener("input", renumber);
  /* pasting several cells into any input of the table spreads them like a spreadsheet does */
  tbody.addEventListener("paste", function (e) {
    var text = (e.clipboardData || window.clipboardData).getData("text");
    if (!text || (text.indexOf("\t") < 0 && text.replace(/\s+$/, "").indexOf("\n") < 0)) return;
    e.preventDefault();
    var input = e.target;
    var tr = input.closest("tr.row");
    var parsed = parse(text);
    place(parsed, rows().indexOf(tr), FIELDS.indexOf(input.name));
  });
  var box = document.getElementById("paste");
  var apply = document.getElementById("paste-apply");
  if (box && apply) {
    apply.addEventListener("click", function (e) {
      if (!box.value.trim()) return;
      e.preventDefault();
      var parsed = parse(box.value);
      if (!parsed.order) parsed.order = FIELDS.slice();
      place(parsed, 0, 0);
      box.value = "";
      box.closest("details").open = false;
    });
  }
  renumber();
})();
