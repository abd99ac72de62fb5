/* Loaded blocking in <head> (a file, not an inline script, so the Content-Security-Policy needs no
   'unsafe-inline'): marks that scripts run and applies elderly mode before the first paint, so the
   page never flashes in small text. theme/static/theme/portal.js does the rest. */
(function (c) {
  c.remove("no-js");
  c.add("js");
  try { if (localStorage.getItem("portal-elderly") === "1") { c.add("elderly"); } } catch (e) { /* storage off */ }
})(document.documentElement.classList);
/* The accessibility toolbar's remembered choices (theme/static/theme/a11y.js), before first paint too. */
(function (root) {
  try {
    ["open", "cursor", "guide", "contrast"].forEach(function (name) {
      if (localStorage.getItem("portal-a11y-" + name) === "1") { root.classList.add("a11y-" + name); }
    });
    var zoom = parseFloat(localStorage.getItem("portal-a11y-zoom"));
    if (zoom > 1 && zoom <= 2) { root.style.setProperty("--a11y-zoom", String(zoom)); }
  } catch (e) { /* storage off */ }
})(document.documentElement);
