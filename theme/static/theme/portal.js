/* Portal behaviour, no framework. Everything works without it (menus are <details>, the
   mobile menu is shown when scripts are off); this only adds what needs a script:
   - elderly mode (长者模式) remembered in localStorage["portal-elderly"] = "1" | "0"
     (theme/early.js, loaded blocking in <head>, applies it before first paint);
   - print buttons (data-print; no inline onclick, which the Content-Security-Policy refuses);
   - the mobile menu button (aria-expanded);
   - one open sub-menu at a time, closed by Escape or a click elsewhere;
   - folded sections (<details>) unfolded for printing. */
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "portal-elderly";

  function store(on) {
    try { localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* private mode: this page only */ }
  }

  var toggle = document.getElementById("elderly-toggle");
  if (toggle) {
    toggle.setAttribute("aria-pressed", root.classList.contains("elderly") ? "true" : "false");
    toggle.addEventListener("click", function () {
      var on = !root.classList.contains("elderly");
      root.classList.toggle("elderly", on);
      toggle.setAttribute("aria-pressed", on ? "true" : "false");
      store(on);
    });
  }

  var navToggle = document.querySelector(".nav-toggle");
  var navList = document.getElementById("main-nav-list");
  if (navToggle && navList) {
    navToggle.addEventListener("click", function () {
      var open = navToggle.getAttribute("aria-expanded") !== "true";
      navToggle.setAttribute("aria-expanded", open ? "true" : "false");
      navList.classList.toggle("is-open", open);
    });
  }

  var menus = Array.prototype.slice.call(document.querySelectorAll(".nav-details"));
  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (!menu.open) return;
      menus.forEach(function (other) { if (other !== menu) other.open = false; });
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    menus.forEach(function (menu) {
      if (menu.open) {
        menu.open = false;
        if (menu.contains(document.activeElement)) menu.querySelector("summary").focus();
      }
    });
  });
  document.addEventListener("click", function (event) {
    menus.forEach(function (menu) { if (menu.open && !menu.contains(event.target)) menu.open = false; });
  });

  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  var unfolded = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("main details:not([open])").forEach(function (d) { d.open = true; unfolded.push(d); });
  });
  window.addEventListener("afterprint", function () {
    unfolded.forEach(function (d) { d.open = false; });
    unfolded = [];
  });
})();
