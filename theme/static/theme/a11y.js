/* 无障碍工具条 (accessibility toolbar, GB/T 37668-2019): read aloud, page zoom, large cursor,
   reading guide, high contrast. A static file (the Content-Security-Policy allows no inline script);
   loaded with defer. What the visitor chose is remembered in localStorage like elderly mode and
   applied before the first paint by early.js (keys below), so pages never flash:
     portal-a11y-open      "1" | "0"   the bar's tools are shown
     portal-a11y-zoom      "1" … "2"   page zoom (CSS zoom of <body>'s children, a11y.css)
     portal-a11y-cursor    "1" | "0"   large cursor
     portal-a11y-guide     "1" | "0"   reading guide line following the pointer (and the focus)
     portal-a11y-contrast  "1" | "0"   high contrast
   Reading aloud uses the browser's own speech synthesis (window.speechSynthesis, a zh-CN voice
   where the system has one); nothing is sent anywhere. It reads the selected text, else <main>. */
(function () {
  "use strict";
  var root = document.documentElement;
  var PREFIX = "portal-a11y-";
  var ZOOMS = [1, 1.1, 1.25, 1.5, 1.75, 2];
  var TOGGLES = ["cursor", "guide", "contrast"];

  function load(key) {
    try { return localStorage.getItem(PREFIX + key); } catch (e) { return null; }
  }
  function store(key, value) {
    try { localStorage.setItem(PREFIX + key, value); } catch (e) { /* private mode: this page only */ }
  }
  function byId(id) { return document.getElementById(id); }

  var opener = byId("a11y-open");
  var panel = byId("a11y-panel");
  if (!opener || !panel) return;

  /* ---- open / close the bar ---- */
  function setOpen(open) {
    root.classList.toggle("a11y-open", open);
    opener.setAttribute("aria-expanded", open ? "true" : "false");
    store("open", open ? "1" : "0");
  }
  opener.setAttribute("aria-expanded", root.classList.contains("a11y-open") ? "true" : "false");
  opener.addEventListener("click", function () { setOpen(!root.classList.contains("a11y-open")); });

  /* ---- toggles: large cursor, reading guide, high contrast ---- */
  function button(name) { return panel.querySelector('[data-a11y="' + name + '"]'); }
  TOGGLES.forEach(function (name) {
    var b = button(name);
    if (!b) return;
    b.setAttribute("aria-pressed", root.classList.contains("a11y-" + name) ? "true" : "false");
    b.addEventListener("click", function () {
      var on = !root.classList.contains("a11y-" + name);
      root.classList.toggle("a11y-" + name, on);
      b.setAttribute("aria-pressed", on ? "true" : "false");
      store(name, on ? "1" : "0");
    });
  });

  /* ---- reading guide: a line under the pointer; keyboard users get it under the focus ---- */
  var guide = document.createElement("div");
  guide.className = "a11y-guide-line";
  guide.setAttribute("aria-hidden", "true");
  document.body.appendChild(guide);
  function guideAt(y) { guide.style.transform = "translateY(" + Math.round(y) + "px)"; }
  document.addEventListener("pointermove", function (event) {
    if (root.classList.contains("a11y-guide")) guideAt(event.clientY);
  }, { passive: true });
  document.addEventListener("focusin", function (event) {
    if (!root.classList.contains("a11y-guide") || !event.target.getBoundingClientRect) return;
    var box = event.target.getBoundingClientRect();
    guideAt(box.bottom + 2);
  });
  guideAt(window.innerHeight / 3);

  /* ---- page zoom ---- */
  var level = byId("a11y-zoom-level");
  var zoomOut = button("zoom-out");
  var zoomIn = button("zoom-in");
  function maxZoom() { return window.innerWidth <= 760 ? 1.5 : ZOOMS[ZOOMS.length - 1]; }
  function currentZoom() {
    var z = parseFloat(root.style.getPropertyValue("--a11y-zoom")) || 1;
    return Math.min(Math.max(z, 1), maxZoom());
  }
  function showZoom(z) {
    if (level) level.textContent = Math.round(z * 100) + "%";
    if (zoomOut) zoomOut.setAttribute("aria-disabled", z <= 1 ? "true" : "false");
    if (zoomIn) zoomIn.setAttribute("aria-disabled", z >= maxZoom() ? "true" : "false");
  }
  function setZoom(z) {
    if (z > 1) root.style.setProperty("--a11y-zoom", String(z));
    else root.style.removeProperty("--a11y-zoom");
    store("zoom", String(z));
    showZoom(z);
  }
  function step(direction) {
    var z = currentZoom();
    var next = direction > 0
      ? ZOOMS.filter(function (v) { return v > z + 0.001 && v <= maxZoom(); })[0]
      : ZOOMS.filter(function (v) { return v < z - 0.001; }).pop();
    if (next !== undefined) setZoom(next);
  }
  if (zoomIn) zoomIn.addEventListener("click", function () { step(1); });
  if (zoomOut) zoomOut.addEventListener("click", function () { step(-1); });
  var zoomReset = button("zoom-reset");
  if (zoomReset) zoomReset.addEventListener("click", function () { setZoom(1); });
  if ((parseFloat(root.style.getPropertyValue("--a11y-zoom")) || 1) > maxZoom()) setZoom(maxZoom());  // a phone
  showZoom(currentZoom());

  /* ---- read aloud ---- */
  var speak = button("speak");
  var synth = window.speechSynthesis;
  var Utterance = window.SpeechSynthesisUtterance;
  if (speak && (!synth || !Utterance)) {
    speak.hidden = true;  // this browser cannot speak: no dead button
  } else if (speak) {
    var chosen = "";
    var speaking = false;
    var selection = function () {
      var s = window.getSelection ? String(window.getSelection()) : "";
      return s.replace(/\s+/g, " ").trim();
    };
    var mainText = function () {
      var main = byId("main") || document.querySelector("main") || document.body;
      return (main.innerText || main.textContent || "").replace(/\s+/g, " ").trim();
    };
    // Short pieces: some engines stop a long utterance after about fifteen seconds.
    var pieces = function (text) {
      var parts = text.match(/[^。！？!?；;\n]+[。！？!?；;]?/g) || [];
      var out = [];
      var current = "";
      parts.forEach(function (part) {
        while (part.length > 180) {  // a long run without punctuation (a list, a table)
          if (current) { out.push(current); current = ""; }
          out.push(part.slice(0, 180));
          part = part.slice(180);
        }
        if ((current + part).length > 180 && current) { out.push(current); current = ""; }
        current += part;
      });
      if (current.trim()) out.push(current);
      return out;
    };
    var voice = function () {
      var voices = synth.getVoices ? synth.getVoices() : [];
      return voices.filter(function (v) { return /^zh[-_]CN/i.test(v.lang); })[0] ||
        voices.filter(function (v) { return /^zh/i.test(v.lang); })[0] || null;
    };
    var setSpeaking = function (on) {
      speaking = on;
      speak.setAttribute("aria-pressed", on ? "true" : "false");
    };
    var stop = function () {
      chosen = "";
      synth.cancel();
      setSpeaking(false);
    };
    // The selection, taken before the click (a click elsewhere may clear it).
    var remember = function () { chosen = selection(); };
    speak.addEventListener("pointerdown", remember);
    speak.addEventListener("keydown", remember);
    speak.addEventListener("click", function () {
      if (speaking) { stop(); return; }
      var text = chosen || selection() || mainText();
      chosen = "";
      var queue = pieces(text);
      if (!queue.length) return;
      synth.cancel();
      setSpeaking(true);
      var v = voice();
      queue.forEach(function (piece, i) {
        var u = new Utterance(piece);
        u.lang = "zh-CN";
        if (v) u.voice = v;
        if (i === queue.length - 1) {
          u.onend = function () { setSpeaking(false); };
        }
        u.onerror = function () { setSpeaking(false); };
        synth.speak(u);
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && speaking) stop();
    });
    window.addEventListener("pagehide", function () { if (speaking) synth.cancel(); });
  }
})();
