/* The door page: scan (BarcodeDetector, else jsQR), search, a large answer; offline with a queue.
 *
 * Online, each scan goes to POST /api/v1/events/{event}/checkins. Without the network, the code is
 * checked here: its Ed25519 signature against the event's public key (WebCrypto), the roster's
 * revocations, venue and verdicts, all kept in IndexedDB; the scan waits in a queue with its
 * nonce and goes to …/checkins/batch when the network returns. */
(function () {
  "use strict";
  var root = document.getElementById("door");
  if (!root) return;
  var T = document.getElementById("t-strings").dataset;
  var EVENT = root.dataset.event, VENUE = root.dataset.venue;
  var ROSTER_URL = root.dataset.roster, SCAN_URL = root.dataset.scan, CSRF = root.dataset.csrf;
  var DB_NAME = "huiwu-checkin", KEY = EVENT + "/" + VENUE;
  var state = {roster: null, key: null, byId: {}, arrived: {}, queue: [], lastCode: "", lastAt: 0, syncing: false};
  var answer = document.getElementById("answer");

  // -- IndexedDB: roster (per venue) and the queue of offline scans ---------------------------------
  var dbp = new Promise(function (resolve, reject) {
    if (!window.indexedDB) { resolve(null); return; }
    var req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = function () {
      var db = req.result;
      db.createObjectStore("roster");
      db.createObjectStore("queue", {keyPath: "nonce"});
    };
    req.onsuccess = function () { resolve(req.result); };
    req.onerror = function () { resolve(null); };
  });
  function tx(store, mode, fn) {
    return dbp.then(function (db) {
      if (!db) return null;
      return new Promise(function (resolve, reject) {
        var t = db.transaction(store, mode), s = t.objectStore(store), out = fn(s);
        t.oncomplete = function () { resolve(out ? out.result : undefined); };
        t.onerror = function () { reject(t.error); };
      });
    });
  }
  function saveRoster(r) { return tx("roster", "readwrite", function (s) { return s.put(r, KEY); }); }
  function loadRoster() { return tx("roster", "readonly", function (s) { return s.get(KEY); }); }
  function putQueue(item) { return tx("queue", "readwrite", function (s) { return s.put(item); }); }
  function dropQueue(nonces) {
    return tx("queue", "readwrite", function (s) { nonces.forEach(function (n) { s.delete(n); }); });
  }
  function loadQueue() { return tx("queue", "readonly", function (s) { return s.getAll(); }); }

  // -- helpers --------------------------------------------------------------------------------------
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function nonce() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }
  function device() {
    var d = localStorage.getItem("huiwu-device");
    if (!d) { d = "door-" + nonce().slice(0, 12); localStorage.setItem("huiwu-device", d); }
    return d;
  }
  var DEVICE = device();
  function hm(date) {
    var tz = (state.roster && state.roster.time_zone) || undefined;
    try {
      return new Intl.DateTimeFormat("zh-CN", {hour: "2-digit", minute: "2-digit", hour12: false, timeZone: tz}).format(date);
    } catch (e) {
      return ("0" + date.getHours()).slice(-2) + ":" + ("0" + date.getMinutes()).slice(-2);
    }
  }
  function b64url(s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) s += "=";
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  var B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  function b32(s) {
    s = s.replace(/\s+/g, "").toUpperCase();
    var bits = 0, value = 0, out = [];
    for (var i = 0; i < s.length; i++) {
      var v = B32.indexOf(s[i]);
      if (v < 0) return null;
      value = (value << 5) | v; bits += 5;
      if (bits >= 8) { out.push((value >>> (bits - 8)) & 255); bits -= 8; }
    }
    return new Uint8Array(out);
  }

  // -- the network state ----------------------------------------------------------------------------
  var net = document.getElementById("net"), queueBadge = document.getElementById("queue");
  function online() { return navigator.onLine; }
  function showNet() {
    net.textContent = online() ? net.dataset.online : net.dataset.offline;
    net.className = "pill " + (online() ? "on" : "off");
    queueBadge.hidden = state.queue.length === 0;
    queueBadge.textContent = T.queue + " " + state.queue.length;
  }
  function counts() {
    if (!state.roster) return;
    var n = 0, late = 0;
    Object.keys(state.arrived).forEach(function (id) { n++; if (state.arrived[id].late) late++; });
    document.getElementById("n-arrived").textContent = n;
    document.getElementById("n-expected").textContent = state.roster.attendees.length;
    document.getElementById("n-late").textContent = late;
  }

  // -- the roster -----------------------------------------------------------------------------------
  function useRoster(r) {
    state.roster = r;
    state.byId = {};
    r.attendees.forEach(function (p) {
      state.byId[p.id] = p;
      if (p.checked_in_at && !state.arrived[p.id]) {
        state.arrived[p.id] = {hm: p.checked_in_hm, late: p.late};
      }
    });
    state.revoked = {};
    r.revocations.forEach(function (id) { state.revoked[id] = true; });
    state.queue.forEach(function (q) { if (q.attendee && !state.arrived[q.attendee]) state.arrived[q.attendee] = {hm: q.hm, late: q.late}; });
    document.getElementById("roster-note").textContent =
      T.roster + " " + hm(new Date(r.generated_at)) + " · " + r.attendees.length + " " + T.people;
    counts();
    var raw = b64url(r.public_key);
    if (window.crypto && crypto.subtle) {
      return crypto.subtle.importKey("raw", raw, {name: "Ed25519"}, false, ["verify"]).then(function (k) {
        state.key = k;
      }, function () { state.key = null; });
    }
    return Promise.resolve();
  }
  function fetchRoster() {
    return fetch(ROSTER_URL, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (resp) { if (!resp.ok) throw new Error("roster " + resp.status); return resp.json(); })
      .then(function (r) { return saveRoster(r).then(function () { return useRoster(r); }); });
  }

  // -- the answer ------------------------------------------------------------------------------------
  function render(res, note) {
    var kind = {ok: "ok", already: "warn", pending: "warn", unknown: "warn"}[res.status] || "bad";
    if (res.status === "ok" && (res.late || (res.verdict && res.verdict.verdict === "pending"))) kind = "late";
    answer.className = "answer " + kind;
    answer.textContent = "";
    var titles = {ok: T.ok, already: T.already, invalid: T.invalid, revoked: T.revoked, wrong_venue: T.wrong,
                  not_eligible: T.ne, unknown: T.unknown};
    var title = titles[res.status] || res.status;
    if (res.status === "ok" && res.verdict && res.verdict.verdict === "pending") title = T.pending;
    if (res.status === "already" && res.checked_in_hm) title = T.already + " " + res.checked_in_hm;
    if (res.status === "ok" && res.late) title = T.ok + " · " + T.late;
    answer.appendChild(el("p", "answer-title", title));
    var p = res.attendee;
    if (p) {
      answer.appendChild(el("p", "answer-name", p.name));
      answer.appendChild(el("p", "answer-unit", [p.unit, p.position].filter(Boolean).join(" · ")));
      if (p.seat) answer.appendChild(el("p", "answer-seat", T.seat + " " + p.seat));
    }
    if (res.status === "wrong_venue" && res.venue) {
      answer.appendChild(el("p", "answer-go", T.go + " " + res.venue.name));
    }
    var v = res.verdict;
    if (v && v.rules && v.rules.length && res.status !== "ok") {
      var ul = el("ul", "answer-rules");
      v.rules.forEach(function (r) { ul.appendChild(el("li", null, r)); });
      answer.appendChild(ul);
    } else if (v && v.verdict === "pending" && v.rules && v.rules.length) {
      answer.appendChild(el("p", "answer-msg", v.rules.join("；")));
    }
    if (res.message) answer.appendChild(el("p", "answer-msg", res.message));
    if (res.duplicate) answer.appendChild(el("p", "answer-msg", T.dup));
    if (note) answer.appendChild(el("p", "answer-note", note));
    answer.dataset.status = res.status;
    if (navigator.vibrate) navigator.vibrate(kind === "ok" ? 80 : [60, 60, 60]);
  }

  // -- checking a code ---------------------------------------------------------------------------------
  function local(code) {
    var raw = b32(code);
    if (!raw || raw.length !== 81 || raw[0] !== 1) return Promise.resolve({status: "invalid", message: T["invalidMsg"]});
    if (!state.roster) return Promise.resolve({status: "invalid", message: T.noverify});
    var payload = raw.slice(0, 17), sig = raw.slice(17);
    var dv = new DataView(payload.buffer);
    var ev = dv.getUint32(1), venueId = dv.getUint32(5), id = dv.getUint32(9), until = dv.getUint32(13);
    if (ev !== state.roster.event_id) return Promise.resolve({status: "invalid", message: T["invalidMsg"]});
    if (!state.key) return Promise.resolve({status: "invalid", message: T.noverify});
    return crypto.subtle.verify({name: "Ed25519"}, state.key, sig, payload).then(function (good) {
      if (!good) return {status: "invalid", message: T["invalidMsg"]};
      if (Date.now() / 1000 > until) return {status: "invalid", message: T.expired};
      var p = state.byId[id];
      var who = p ? {id: p.id, name: p.name, unit: p.unit, position: p.position, seat: p.seat} : null;
      if (state.revoked[id]) return {status: "revoked", attendee: who, message: T["revokedMsg"]};
      if (venueId !== state.roster.venue.id) {
        var right = state.roster.venues[String(venueId)] || {};
        return {status: "wrong_venue", attendee: who, venue: right};
      }
      if (!p) return {status: "unknown", attendee: null, message: T["unknownMsg"], attendeeId: id, queue: true};
      var verdict = {verdict: p.verdict, label: p.verdict_label, rules: p.rules};
      if (state.arrived[id]) return {status: "already", attendee: who, verdict: verdict, checked_in_hm: state.arrived[id].hm};
      if (p.verdict === "not_eligible") return {status: "not_eligible", attendee: who, verdict: verdict};
      var now = new Date();
      var late = now > new Date(state.roster.late_after);
      return {status: "ok", attendee: who, verdict: verdict, late: late, checked_in_hm: hm(now), queue: true, attendeeId: id};
    });
  }

  function offline(code) {
    return local(code).then(function (res) {
      if (res.queue) {
        var item = {nonce: nonce(), code: code, at: new Date().toISOString(), attendee: res.attendeeId,
                    hm: res.checked_in_hm || hm(new Date()), late: !!res.late};
        state.queue.push(item);
        if (res.status === "ok") state.arrived[res.attendeeId] = {hm: item.hm, late: item.late};
        return putQueue(item).then(function () { showNet(); counts(); render(res, T.queued); });
      }
      render(res, null);
    });
  }

  function scan(code) {
    code = (code || "").replace(/\s+/g, "").toUpperCase();
    if (!code) return;
    var now = Date.now();
    if (code === state.lastCode && now - state.lastAt < 3000) return;  // the same code held in front of the camera
    state.lastCode = code; state.lastAt = now;
    if (!online()) { offline(code); return; }
    fetch(SCAN_URL, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": CSRF, "Accept": "application/json"},
      body: JSON.stringify({code: code, nonce: nonce(), venue: VENUE, device: DEVICE})
    }).then(function (resp) {
      if (resp.status >= 500) throw new Error("server " + resp.status);
      return resp.json().then(function (body) {
        var res = body.error ? body.error : body;
        res.status = res.status || res.code;
        if (res.status === "forbidden" || res.status === "not_found" || res.status === "unauthorized") {
          render({status: "invalid", message: res.message});
          return;
        }
        if ((res.status === "ok" || res.status === "already") && res.attendee) {
          state.arrived[res.attendee.id] = {hm: res.checked_in_hm, late: res.late};
          counts();
        }
        render(res);
      });
    }).catch(function () { offline(code); });
  }

  // -- sync -----------------------------------------------------------------------------------------------
  function sync() {
    if (state.syncing || !online() || state.queue.length === 0) return Promise.resolve();
    state.syncing = true;
    var items = state.queue.slice(0, 5000);
    return fetch(SCAN_URL + "/batch?venue=" + encodeURIComponent(VENUE) + "&device=" + encodeURIComponent(DEVICE), {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": CSRF, "Accept": "application/json"},
      body: JSON.stringify(items.map(function (q) { return {code: q.code, nonce: q.nonce, at: q.at, device: DEVICE}; }))
    }).then(function (resp) {
      if (!resp.ok) throw new Error("sync " + resp.status);
      return resp.json();
    }).then(function (results) {
      var done = items.map(function (q) { return q.nonce; });
      var dupes = results.filter(function (r) { return r.duplicate; });
      state.queue = state.queue.filter(function (q) { return done.indexOf(q.nonce) < 0; });
      results.forEach(function (r) {
        if ((r.status === "ok" || r.status === "already") && r.attendee) {
          state.arrived[r.attendee.id] = {hm: r.checked_in_hm, late: r.late};
        }
      });
      return dropQueue(done).then(function () {
        document.getElementById("sync-note").textContent = T.synced + " " + results.length + " · " + hm(new Date());
        root.dataset.synced = String((parseInt(root.dataset.synced || "0", 10)) + results.length);
        if (dupes.length) render(dupes[0]);
        showNet(); counts();
        return fetchRoster().catch(function () {});
      });
    }).catch(function () {}).then(function () { state.syncing = false; });
  }

  // -- search --------------------------------------------------------------------------------------------
  var hits = document.getElementById("hits");
  document.getElementById("q").addEventListener("input", function (e) {
    var q = e.target.value.trim();
    hits.textContent = "";
    if (!q || !state.roster) return;
    var digits = /^\d{4}$/.test(q);
    var found = state.roster.attendees.filter(function (p) {
      return digits ? p.phone_last4 === q : p.name.indexOf(q) >= 0;
    }).slice(0, 20);
    if (!found.length) { hits.appendChild(el("li", "meta", T.none)); return; }
    found.forEach(function (p) {
      var li = el("li", "hit");
      var who = el("div", "hit-who");
      who.appendChild(el("b", null, p.name));
      who.appendChild(el("span", "meta", [p.unit, p.position, p.seat].filter(Boolean).join(" · ")));
      li.appendChild(who);
      var state_ = state.arrived[p.id];
      var btn = el("button", state_ ? "secondary" : "", state_ ? T.already + " " + state_.hm : T.checkin);
      btn.type = "button";
      btn.addEventListener("click", function () { state.lastCode = ""; scan(p.code); hits.textContent = ""; e.target.value = ""; });
      li.appendChild(btn);
      hits.appendChild(li);
    });
  });
  document.getElementById("search").addEventListener("submit", function (e) { e.preventDefault(); });
  document.getElementById("manual").addEventListener("submit", function (e) {
    e.preventDefault();
    var input = document.getElementById("manual-code");
    state.lastCode = "";
    scan(input.value);
    input.value = "";
  });

  // -- the camera ------------------------------------------------------------------------------------------
  var video = document.getElementById("video"), canvas = document.getElementById("frame");
  var detector = null;
  function startCamera() {
    var note = document.getElementById("camera-note");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { note.textContent = T.noCamera; return; }
    navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}, audio: false}).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      document.getElementById("camera").hidden = true;
      return video.play();
    }).then(function () {
      var pick = ("BarcodeDetector" in window) ? BarcodeDetector.getSupportedFormats() : Promise.resolve([]);
      return pick.then(function (formats) {
        if (formats.indexOf("qr_code") >= 0) detector = new BarcodeDetector({formats: ["qr_code"]});
        root.dataset.decoder = detector ? "BarcodeDetector" : "jsQR";
        tick();
      });
    }).catch(function () { note.textContent = T.noCamera; });
  }
  function tick() {
    if (video.readyState < 2) { setTimeout(tick, 100); return; }
    var read = detector
      ? detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : null; })
      : Promise.resolve(decodeFrame());
    read.then(function (text) { if (text) scan(text); }, function () {}).then(function () { setTimeout(tick, 120); });
  }
  function decodeFrame() {
    if (!window.jsQR) return null;
    var w = video.videoWidth, h = video.videoHeight;
    if (!w || !h) return null;
    var scale = Math.min(1, 640 / Math.max(w, h));
    canvas.width = Math.round(w * scale); canvas.height = Math.round(h * scale);
    var ctx = canvas.getContext("2d", {willReadFrequently: true});
    ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
    var img = ctx.getImageData(0, 0, canvas.width, canvas.height);
    var found = window.jsQR(img.data, img.width, img.height, {inversionAttempts: "dontInvert"});
    return found ? found.data : null;
  }
  document.getElementById("camera").addEventListener("click", startCamera);

  // -- start ---------------------------------------------------------------------------------------------------
  window.addEventListener("online", function () { showNet(); sync(); });
  window.addEventListener("offline", showNet);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(root.dataset.sw, {scope: "/checkin/"}).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (reg) {
      var urls = [location.pathname];
      document.querySelectorAll("script[src], link[rel=stylesheet]").forEach(function (n) { urls.push(n.src || n.href); });
      if (reg.active) reg.active.postMessage({cache: urls});
    }).catch(function () {});
  }
  loadQueue().then(function (q) { state.queue = q || []; showNet(); })
    .then(loadRoster).then(function (r) { if (r) return useRoster(r); })
    .then(function () { return online() ? fetchRoster() : null; })
    .catch(function () {})
    .then(function () { root.dataset.ready = "1"; sync(); });
  setInterval(function () { sync(); }, 5000);
  setInterval(function () { if (online() && !state.syncing) fetchRoster().catch(function () {}); }, 60000);
  if (new URLSearchParams(location.search).get("camera") === "1") startCamera();
})();
