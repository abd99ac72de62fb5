/* Loaded blocking in <head> (a file, not an inline script, so the Content-Security-Policy needs no
   'unsafe-inline'): marks that scripts run and applies elderly mode before the first paint, so the
   page never flashes in small text. theme/static/theme/portal.js does the rest. */
(function (c) {
  c.remove("no-js");
  c.add("js");
  try { if (localStorage.getItem("portal-elderly") === "1") { c.add("elderly"); } } catch (e) { /* storage off */ }
})(document.documentElement.classList);
