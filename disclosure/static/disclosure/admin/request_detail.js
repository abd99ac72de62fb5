/* The request's reply form: offer only the sub-reasons of the chosen reply type (the server checks
   the same). Data from the json_script element "subreasons-by-type". */
(function () {
  "use strict";
  var source = document.getElementById("subreasons-by-type");
  var type = document.getElementById("id_reply_type"), sub = document.getElementById("id_subreason");
  if (!source || !type || !sub) return;
  var data = JSON.parse(source.textContent);
  function update() {
    var keep = data.types[type.value] || [], current = sub.value;
    sub.innerHTML = "";
    sub.add(new Option(keep.length ? "---" : "（无具体情形）", ""));
    keep.forEach(function (key) { sub.add(new Option(data.labels[key], key, false, key === current)); });
    sub.disabled = keep.length === 0;
  }
  type.addEventListener("change", update);
  update();
})();
