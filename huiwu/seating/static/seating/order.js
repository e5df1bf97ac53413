// Precedence list: reorder by dragging (HTML5 drag and drop) or with the ↑ ↓ buttons, then save.
(function () {
  "use strict";
  var list = document.getElementById("order-list");
  var input = document.getElementById("order-input");
  if (!list || !input) return;
  var dragged = null;

  function sync() {
    var ids = [];
    list.querySelectorAll("li").forEach(function (li, i) {
      ids.push(li.dataset.id);
      li.querySelector(".n").textContent = i + 1;
    });
    input.value = ids.join(",");
    list.classList.add("changed");
  }

  list.addEventListener("dragstart", function (e) {
    var li = e.target.closest("li");
    if (!li) return;
    dragged = li;
    li.classList.add("dragging");
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", li.dataset.id);
  });
  list.addEventListener("dragover", function (e) {
    if (!dragged) return;
    e.preventDefault();
    var li = e.target.closest("li");
    if (!li || li === dragged) return;
    var box = li.getBoundingClientRect();
    var after = e.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, after ? li.nextSibling : li);
  });
  list.addEventListener("drop", function (e) {
    e.preventDefault();
  });
  list.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    sync();
  });
  list.addEventListener("click", function (e) {
    var btn = e.target.closest("button");
    if (!btn) return;
    var li = btn.closest("li");
    if (btn.classList.contains("up") && li.previousElementSibling) {
      list.insertBefore(li, li.previousElementSibling);
    } else if (btn.classList.contains("down") && li.nextElementSibling) {
      list.insertBefore(li.nextElementSibling, li);
    } else {
      return;
    }
    btn.focus();
    sync();
  });
})();
