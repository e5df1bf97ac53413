/* The bulk import page: say how many files are picked, refuse too many before the upload, and
   show that work is under way. Messages come from the form's data-msg-* attributes. */
(function () {
  "use strict";
  var form = document.getElementById("bulk-form");
  if (!form) return;
  var input = document.getElementById("bulk-files");
  var picked = document.getElementById("bulk-picked");
  var button = document.getElementById("bulk-submit");
  function check() {
    var max = parseInt(form.getAttribute("data-max"), 10);
    var n = input.files ? input.files.length : 0;
    if (n > max) {
      picked.textContent = form.getAttribute("data-msg-too-many");
      picked.className = "bad";
      return false;
    }
    picked.className = "meta";
    picked.textContent = n ? form.getAttribute("data-msg-picked") + n : "";
    return true;
  }
  input.addEventListener("change", check);
  form.addEventListener("submit", function (e) {
    if (!check()) { e.preventDefault(); return; }
    button.disabled = true;
    button.textContent = form.getAttribute("data-msg-busy");
  });
})();
