/* huiwu self-test: camera, microphone, speaker, network to huiwu and (when configured) a WebRTC
   loopback call through TURN. Methods follow webrtc/testrtc (camera 5 s, microphone 2 s),
   LibreSpeed (RTT = median of keep-alive requests, jitter from their spread, parallel streams of
   incompressible data, time caps with a grace period) and Cloudflare's speed test (bandwidth =
   90th percentile). The figures are posted to the server, which grades them. */
(function () {
  "use strict";
  var root = document.getElementById("selftest");
  var startBtn = document.getElementById("selftest-start");
  if (!root || !startBtn) return;
  var S = document.getElementById("st-strings").dataset;
  var NET = root.dataset.net;
  var CAMERA_MS = 5000, MIC_MS = 2500, DOWN_MS = 6000, UP_MS = 7000, GRACE_MS = 1500, WINDOW_MS = 2000;
  var DOWN_STREAMS = 4, UP_STREAMS = 3, PINGS = 12;

  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }
  function round(x, d) { var f = Math.pow(10, d || 0); return Math.round(x * f) / f; }
  function now() { return performance.now(); }
  function median(a) {
    if (!a.length) return null;
    var s = a.slice().sort(function (x, y) { return x - y; }), m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  }
  function percentile(a, p) {
    if (!a.length) return null;
    var s = a.slice().sort(function (x, y) { return x - y; });
    return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  }
  function step(name, text, cls) {
    var li = root.querySelector('[data-step="' + name + '"]');
    if (!li) return;
    li.className = cls || "";
    li.querySelector(".st-val").textContent = text;
  }
  function bust() { return "r=" + Math.random().toString(36).slice(2); }

  // -- camera: frames actually delivered over 5 s, black and frozen frames -----------------------
  async function testCamera(stream) {
    var track = stream && stream.getVideoTracks()[0];
    if (!track) return { ok: false };
    var video = document.getElementById("st-video");
    video.srcObject = stream;
    try { await video.play(); } catch (e) { /* autoplay refused: frames still decode muted */ }
    var t0 = now();
    while (!video.videoWidth && now() - t0 < 3000) await sleep(50);
    var w = 64, h = 36, canvas = document.createElement("canvas");
    canvas.width = w; canvas.height = h;
    var ctx = canvas.getContext("2d", { willReadFrequently: true });
    var frames = 0, black = 0, frozen = 0, samples = 0, prev = null, start = now();
    var q0 = video.getVideoPlaybackQuality ? video.getVideoPlaybackQuality().totalVideoFrames : 0;
    if (video.requestVideoFrameCallback) {
      var onFrame = function () { frames++; if (now() - start < CAMERA_MS) video.requestVideoFrameCallback(onFrame); };
      video.requestVideoFrameCallback(onFrame);
    }
    while (now() - start < CAMERA_MS) {
      await sleep(250);
      ctx.drawImage(video, 0, 0, w, h);
      var d = ctx.getImageData(0, 0, w, h).data, cur = new Float32Array(w * h), sum = 0, diff = 0;
      for (var i = 0, p = 0; i < d.length; i += 4, p++) {
        var y = 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
        cur[p] = y; sum += y;
        if (prev) diff += Math.abs(y - prev[p]);
      }
      samples++;
      if (sum / (w * h) < 12) black++;
      if (prev && diff / (w * h) < 0.3) frozen++;
      prev = cur;
      step("camera", S.running + " " + Math.round((now() - start) / CAMERA_MS * 100) + "%");
    }
    var secs = (now() - start) / 1000;
    if (!frames && video.getVideoPlaybackQuality) frames = video.getVideoPlaybackQuality().totalVideoFrames - q0;
    var settings = track.getSettings ? track.getSettings() : {};
    var fps = frames ? frames / secs : (settings.frameRate || 0);
    return {
      ok: true, width: video.videoWidth || settings.width || 0, height: video.videoHeight || settings.height || 0,
      fps: round(fps, 1), black: black * 2 > samples, frozen: samples > 2 && frozen >= samples - 1,
      label: (track.label || "").slice(0, 100)
    };
  }

  // -- microphone: RMS level over 2 s, silence and clipping -------------------------------------------
  async function testMic(stream, actx) {
    if (!stream || !stream.getAudioTracks().length || !actx) return { ok: false, rms: null };
    var src = actx.createMediaStreamSource(stream), an = actx.createAnalyser();
    an.fftSize = 2048;
    src.connect(an);
    var buf = new Float32Array(an.fftSize), sumSq = 0, n = 0, peak = 0, clipped = 0, start = now();
    while (now() - start < MIC_MS) {
      an.getFloatTimeDomainData(buf);
      for (var i = 0; i < buf.length; i++) {
        var a = Math.abs(buf[i]);
        sumSq += a * a; n++;
        if (a > peak) peak = a;
        if (a >= 0.99) clipped++;
      }
      await sleep(40);
    }
    src.disconnect();
    var rms = Math.sqrt(sumSq / Math.max(n, 1));
    return { ok: true, rms: round(20 * Math.log10(rms || 1e-9), 1), peak: round(peak, 3), clipping: round(clipped / Math.max(n, 1), 4) };
  }

  // -- speaker: a tone, and the person says whether they heard it ------------------------------------
  function tone(actx) {
    if (!actx) return;
    var osc = actx.createOscillator(), gain = actx.createGain();
    osc.frequency.value = 440; gain.gain.value = 0.15;
    osc.connect(gain).connect(actx.destination);
    osc.start(); osc.stop(actx.currentTime + 1.5);
  }
  function testSpeaker(actx) {
    var box = document.getElementById("speaker-confirm");
    tone(actx);
    box.hidden = false;
    step("speaker", S.running);
    return new Promise(function (resolve) {
      var done = function (ok) {
        box.hidden = true;
        step("speaker", ok === true ? S.heard : ok === false ? S.notheard : S.unconfirmed, ok ? "ok" : "bad");
        resolve({ ok: ok });
      };
      document.getElementById("speaker-yes").onclick = function () { done(true); };
      document.getElementById("speaker-no").onclick = function () { done(false); };
      document.getElementById("speaker-replay").onclick = function () { tone(actx); };
      setTimeout(function () { if (!box.hidden) done(null); }, 60000);
    });
  }

  // -- network to huiwu ----------------------------------------------------------------------------------
  async function ping() {
    var t = now();
    var r = await fetch(NET + "ping?" + bust(), { cache: "no-store" });
    await r.arrayBuffer();
    return now() - t;
  }
  async function testRtt() {
    await ping(); await ping();  // warm up: the connection is open and kept alive afterwards
    var rtts = [];
    for (var i = 0; i < PINGS; i++) rtts.push(await ping());
    var jit = 0;
    for (var j = 1; j < rtts.length; j++) jit += Math.abs(rtts[j] - rtts[j - 1]);
    return { rtt_ms: round(median(rtts), 1), jitter_ms: round(jit / (rtts.length - 1), 1), samples: rtts.length };
  }
  // throughput from a byte counter sampled every 200 ms: rates over 2 s windows after the grace period
  function sampler(counter) {
    var samples = [], t0 = now();
    var id = setInterval(function () { samples.push([now() - t0, counter.bytes]); }, 200);
    return function stop() {
      clearInterval(id);
      samples.push([now() - t0, counter.bytes]);
      var rates = [];
      for (var i = 0; i < samples.length; i++) {
        if (samples[i][0] < GRACE_MS) continue;
        for (var k = i + 1; k < samples.length; k++) {
          if (samples[k][0] - samples[i][0] >= WINDOW_MS) {
            rates.push((samples[k][1] - samples[i][1]) * 8 / ((samples[k][0] - samples[i][0]) / 1000) / 1e6);
            break;
          }
        }
      }
      var last = samples[samples.length - 1], first = samples.filter(function (s) { return s[0] >= GRACE_MS; })[0] || samples[0];
      var mean = last[0] > first[0] ? (last[1] - first[1]) * 8 / ((last[0] - first[0]) / 1000) / 1e6 : 0;
      return { p90: rates.length ? percentile(rates, 0.9) : mean, mean: mean, bytes: counter.bytes };
    };
  }
  async function testDown() {
    var counter = { bytes: 0 }, ctrl = new AbortController(), stopAt = now() + DOWN_MS, loaded = [];
    var stop = sampler(counter);
    var streams = [];
    for (var s = 0; s < DOWN_STREAMS; s++) {
      streams.push((async function () {
        while (now() < stopAt) {
          try {
            var r = await fetch(NET + "down?bytes=" + (25 * 1024 * 1024) + "&" + bust(), { cache: "no-store", signal: ctrl.signal });
            var reader = r.body.getReader();
            for (;;) {
              var part = await reader.read();
              if (part.done) break;
              counter.bytes += part.value.byteLength;
            }
          } catch (e) { return; }
        }
      })());
    }
    // latency under load: a ping every 400 ms while the streams run
    var pinger = (async function () {
      await sleep(GRACE_MS);
      while (now() < stopAt - 400) {
        try { loaded.push(await ping()); } catch (e) { return; }
        await sleep(400);
      }
    })();
    var tick = setInterval(function () { step("down", S.running + " " + round(counter.bytes * 8 / 1e6, 0) + " Mb"); }, 500);
    setTimeout(function () { ctrl.abort(); }, DOWN_MS);
    await Promise.all(streams.concat([pinger]));
    clearInterval(tick);
    var res = stop();
    return { down_mbps: round(res.p90, 2), down_mean_mbps: round(res.mean, 2), loaded_rtt_ms: loaded.length ? round(median(loaded), 1) : null };
  }
  function randomBlob() {
    var mb = new Uint8Array(1024 * 1024);
    for (var i = 0; i < mb.length; i += 65536) crypto.getRandomValues(mb.subarray(i, i + 65536));
    var parts = [];
    for (var k = 0; k < 8; k++) parts.push(mb);
    return new Blob(parts, { type: "application/octet-stream" });
  }
  async function testUp() {
    var blob = randomBlob(), counter = { bytes: 0 }, stopAt = now() + UP_MS, xhrs = [];
    var stop = sampler(counter);
    var one = function () {
      return new Promise(function (resolve) {
        var next = function () {
          if (now() >= stopAt) return resolve();
          var x = new XMLHttpRequest(), last = 0;
          x.upload.onprogress = function (e) { counter.bytes += e.loaded - last; last = e.loaded; };
          x.onload = function () { counter.bytes += Math.max(0, blob.size - last); last = blob.size; next(); };
          x.onerror = x.onabort = function () { resolve(); };
          x.open("POST", NET + "up?" + bust());
          x.send(blob);
          xhrs.push(x);
        };
        next();
      });
    };
    var tick = setInterval(function () { step("up", S.running + " " + round(counter.bytes * 8 / 1e6, 0) + " Mb"); }, 500);
    var all = [];
    for (var s = 0; s < UP_STREAMS; s++) all.push(one());
    await Promise.race([Promise.all(all), sleep(UP_MS)]);
    var res = stop();
    xhrs.forEach(function (x) { try { x.abort(); } catch (e) { /* already done */ } });
    clearInterval(tick);
    return { up_mbps: round(res.p90, 2), up_mean_mbps: round(res.mean, 2) };
  }

  // -- WebRTC loopback relayed through TURN: loss, RTT, available outgoing bitrate (getStats) -------
  async function testWebrtc(stream) {
    var url = root.dataset.turnUrl;
    if (!url) return {};
    var cfg = { iceServers: [{ urls: url, username: root.dataset.turnUser, credential: root.dataset.turnPassword }],
                iceTransportPolicy: "relay" };
    var a = new RTCPeerConnection(cfg), b = new RTCPeerConnection(cfg);
    try {
      a.onicecandidate = function (e) { if (e.candidate) b.addIceCandidate(e.candidate); };
      b.onicecandidate = function (e) { if (e.candidate) a.addIceCandidate(e.candidate); };
      var track = stream && stream.getVideoTracks()[0];
      if (!track) {
        var c = document.createElement("canvas"); c.width = 320; c.height = 180;
        track = c.captureStream(15).getVideoTracks()[0];
      }
      a.addTrack(track);
      var offer = await a.createOffer();
      await a.setLocalDescription(offer); await b.setRemoteDescription(offer);
      var answer = await b.createAnswer();
      await b.setLocalDescription(answer); await a.setRemoteDescription(answer);
      var t0 = now();
      while (a.connectionState !== "connected" && now() - t0 < 10000) await sleep(100);
      if (a.connectionState !== "connected") return { error: "no_relay" };
      await sleep(4000);
      var out = { relay: false };
      var sa = await a.getStats(), sb = await b.getStats(), pairId = null;
      sa.forEach(function (r) { if (r.type === "transport" && r.selectedCandidatePairId) pairId = r.selectedCandidatePairId; });
      sa.forEach(function (r) {
        if (r.type === "candidate-pair" && (r.id === pairId || (!pairId && r.nominated && r.state === "succeeded"))) {
          if (r.currentRoundTripTime != null) out.rtt_ms = round(r.currentRoundTripTime * 1000, 1);
          if (r.availableOutgoingBitrate != null) out.out_kbps = round(r.availableOutgoingBitrate / 1000, 0);
          var local = sa.get(r.localCandidateId);
          out.relay = !!local && local.candidateType === "relay";
        }
        if (r.type === "remote-inbound-rtp" && r.fractionLost != null) out.fraction_lost = r.fractionLost;
      });
      var lost = 0, received = 0;
      sb.forEach(function (r) { if (r.type === "inbound-rtp") { lost += r.packetsLost || 0; received += r.packetsReceived || 0; } });
      out.packets = received;
      out.loss_pct = received + lost ? round(Math.max(lost, 0) / (received + lost) * 100, 2) : null;
      return out;
    } catch (e) {
      return { error: String(e && e.name || e).slice(0, 100) };
    } finally {
      a.close(); b.close();
    }
  }

  // -- run --------------------------------------------------------------------------------------------
  async function media() {
    var v = null, a = null;
    try { v = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } } }); } catch (e) { v = null; }
    try { a = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } }); } catch (e) { a = null; }
    return { video: v, audio: a };
  }
  function showResult(grade, reasons, figures) {
    var box = document.getElementById("selftest-result");
    document.getElementById("st-grade").textContent = S[grade] || grade;
    document.getElementById("st-grade").className = "grade grade-" + grade;
    var ul = document.getElementById("st-reasons");
    ul.textContent = "";
    reasons.forEach(function (r) { var li = document.createElement("li"); li.textContent = r; ul.appendChild(li); });
    document.getElementById("st-figures").textContent = figures;
    box.hidden = false;
    box.setAttribute("data-grade", grade);
  }

  async function run() {
    startBtn.disabled = true;
    var box = document.getElementById("selftest-result");
    box.hidden = true; box.removeAttribute("data-grade");
    root.classList.add("running");
    var started = now();
    var AC = window.AudioContext || window.webkitAudioContext, actx = AC ? new AC() : null;
    if (actx && actx.state === "suspended") { try { await actx.resume(); } catch (e) { /* keep going */ } }
    var m = await media();
    step("camera", S.running); step("microphone", S.running);
    var both = await Promise.all([testCamera(m.video), testMic(m.audio, actx)]);
    var camera = both[0], mic = both[1];
    step("camera", camera.ok ? camera.width + "×" + camera.height + " · " + camera.fps + " fps" : S.nocam, camera.ok ? "ok" : "bad");
    step("microphone", mic.ok ? mic.rms + " dBFS" : S.nomic, mic.ok ? "ok" : "bad");
    var speakerP = testSpeaker(actx);
    var network = {}, webrtc = {};
    try {
      step("rtt", S.running);
      var r = await testRtt();
      step("rtt", r.rtt_ms + " ms · " + S.jitter + " " + r.jitter_ms + " ms", "ok");
      var d = await testDown();
      step("down", d.down_mbps + " Mbps" + (d.loaded_rtt_ms ? " · " + S.loaded + " " + d.loaded_rtt_ms + " ms" : ""), "ok");
      var u = await testUp();
      step("up", u.up_mbps + " Mbps", "ok");
      network = Object.assign({}, r, d, u, { loss_pct: null });
    } catch (e) {
      step("rtt", S.failed, "bad");
    }
    if (root.dataset.turnUrl) {
      step("webrtc", S.running);
      webrtc = await testWebrtc(m.video);
      if (webrtc.loss_pct != null) network.loss_pct = webrtc.loss_pct;
      step("webrtc", webrtc.error ? S.failed : "RTT " + webrtc.rtt_ms + " ms · " + S.loss + " " + webrtc.loss_pct + "% · " + webrtc.out_kbps + " kbps", webrtc.error ? "bad" : "ok");
    }
    var speaker = await speakerP;
    [m.video, m.audio].forEach(function (s) { if (s) s.getTracks().forEach(function (t) { t.stop(); }); });
    if (actx) actx.close();
    network.duration_s = round((now() - started) / 1000, 1);
    var result = { camera: camera, microphone: mic, speaker: speaker, network: network, webrtc: webrtc };
    var figures = network.rtt_ms != null ? "RTT " + network.rtt_ms + " ms · ↓" + network.down_mbps + " ↑" + network.up_mbps + " Mbps" : "";
    try {
      var resp = await fetch(NET + "result", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(result) });
      var body = await resp.json();
      if (!resp.ok) throw new Error(body.error || resp.status);
      showResult(body.grade, body.reasons.length ? body.reasons : [S.saved], figures);
      root.dataset.saved = body.id;
    } catch (e) {
      showResult("poor", [S.savefail], figures);
    }
    root.classList.remove("running");
    startBtn.disabled = false;
    startBtn.textContent = S.again;
  }
  startBtn.addEventListener("click", function () { run(); });
})();
