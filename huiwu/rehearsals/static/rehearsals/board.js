/* The director's board: one-tap marks without leaving the page, the current and next slot
   highlighted by the clock, and every other open board's changes within 2 s (a version counter
   polled every second; the page's rows are fetched only when it changed, or when the slot on now
   ends, so the slots on now and next stay on the page). */
(function () {
  "use strict";
  var rows = document.getElementById("rb-rows");
  if (!rows) return;
  var nowBox = document.getElementById("rb-now");
  var version = rows.dataset.version;
  var staleAt = Number(rows.dataset.staleAt) || 0, fetchedFor = 0;
  var offset = Number(rows.dataset.now) - Date.now();  // the server's clock, not the tablet's
  var clock = document.getElementById("rb-clock");
  var live = document.getElementById("rb-live");
  var busy = false;

  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var input = document.querySelector(".rb-row input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function highlight() {
    var t = Date.now() + offset, next = null;
    clock.textContent = new Date(t).toLocaleTimeString("zh-CN", { hour12: false, timeZone: rows.dataset.tz || undefined });
    document.querySelectorAll(".rb-row").forEach(function (row) {
      var s = Number(row.dataset.start), e = Number(row.dataset.end);
      row.classList.toggle("current", !!s && s <= t && t < e);
      row.classList.remove("next");
      if (s > t && (!next || s < Number(next.dataset.start))) next = row;
    });
    if (next) next.classList.add("next");
  }

  function refresh() {
    busy = true;
    return fetch(rows.dataset.rowsUrl, { cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        // keep what someone is typing into a note while the rows are replaced
        var active = document.activeElement, code = null, typed = null, caret = null;
        if (active && active.name === "notes" && active.closest(".rb-row")) {
          code = active.closest(".rb-row").dataset.code; typed = active.value; caret = active.selectionStart;
        }
        rows.innerHTML = data.rows;
        if (nowBox) {
          nowBox.innerHTML = data.now;
          nowBox.parentElement.hidden = !data.now;
        }
        document.getElementById("rb-queue").innerHTML = data.queue;
        Object.keys(data.summary).forEach(function (k) {
          var b = document.querySelector('#rb-summary [data-k="' + k + '"]');
          if (b) b.textContent = data.summary[k];
        });
        version = data.v;
        staleAt = Number(data.stale) || 0;
        if (code) {
          var input = document.querySelector('.rb-row[data-code="' + code + '"] input[name=notes]');
          if (input) { input.value = typed; input.focus(); try { input.setSelectionRange(caret, caret); } catch (e) { /* ignore */ } }
        }
        highlight();
      })
      .finally(function () { busy = false; });
  }

  function poll() {
    highlight();
    if (busy || document.hidden) return;
    // the slot on now is over: the next one becomes current and the one after it must be on the page
    if (staleAt && Date.now() + offset >= staleAt && fetchedFor !== staleAt) {
      fetchedFor = staleAt;
      refresh().catch(function () { live.classList.add("bad"); });
      return;
    }
    fetch(rows.dataset.versionUrl, { cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        live.classList.remove("bad");
        if (data.v !== version) return refresh();
      })
      .catch(function () { live.classList.add("bad"); });
  }

  // one tap: send only the pressed button's field (and the note when saving it)
  document.addEventListener("submit", function (ev) {
    var form = ev.target, btn = ev.submitter;
    if (!form.classList.contains("marks")) return;
    ev.preventDefault();
    if (!btn) return;
    var body = new FormData();
    if (btn.name === "save_notes") body.append("notes", form.querySelector("input[name=notes]").value);
    else body.append(btn.name, btn.value);
    form.classList.add("saving");
    fetch(form.action, { method: "POST", body: body, headers: { "X-CSRFToken": csrf(), Accept: "application/json" } })
      .then(function (r) { return r.json().then(function (d) { if (!r.ok) throw new Error(d.error || r.status); }); })
      .then(refresh)
      .catch(function (e) { window.alert(e.message); })
      .finally(function () { form.classList.remove("saving"); });
  });

  // the page picker goes to the page as soon as one is chosen (its button stays for keyboards)
  var pick = document.getElementById("rb-page");
  if (pick) pick.addEventListener("change", function () { pick.form.submit(); });

  highlight();
  setInterval(poll, 1000);
})();
