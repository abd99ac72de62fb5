/* Small admin behaviours declared in markup, so that no template needs an inline script or an
   on…= handler (the Content-Security-Policy; docs/security-headers.md):
   - <form data-confirm="问题">: asks before submitting, and submits only when confirmed;
   - <input data-select-on-focus>: selects its whole value when focused (keys shown once). */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) return;
    if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
  }, true);
  document.addEventListener("focusin", function (event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.hasAttribute("data-select-on-focus")) input.select();
  });
})();
