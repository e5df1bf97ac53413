/* The notice review page: focusing a field highlights where the notice says it. */
document.querySelectorAll(".field-row").forEach(function (row) {
  var path = row.dataset.path;
  if (!path) return;
  row.addEventListener("focusin", function () {
    document.querySelectorAll("#source-text mark").forEach(function (m) {
      var on = (" " + m.dataset.fields + " ").indexOf(" " + path + " ") >= 0;
      m.classList.toggle("active", on);
      if (on && m === document.querySelector("#source-text mark.active")) m.scrollIntoView({block: "nearest"});
    });
  });
});
