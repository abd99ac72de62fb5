// Feed form: show only the output fields of the chosen source. The other groups are hidden and
// their checkboxes disabled, so what is submitted always belongs to the chosen source.
(function () {
  function sync(container) {
    var form = container.closest('form');
    var select = form && form.querySelector('[name="' + container.dataset.sourceField + '"]');
    if (!select) return;
    container.querySelectorAll('[data-feed-source]').forEach(function (group) {
      var shown = !select.value || group.dataset.feedSource === select.value;
      group.hidden = !shown;
      group.querySelectorAll('input').forEach(function (input) { input.disabled = !shown; });
    });
  }
  function init() {
    document.querySelectorAll('[data-feed-fields]').forEach(function (container) {
      var form = container.closest('form');
      var select = form && form.querySelector('[name="' + container.dataset.sourceField + '"]');
      if (select) select.addEventListener('change', function () { sync(container); });
      sync(container);
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
