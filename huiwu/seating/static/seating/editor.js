// Room editor: click a seat (or focus it and press Enter / Space) to remove or restore it.
(function () {
  "use strict";
  var box = document.getElementById("editor");
  if (!box) return;
  var url = box.dataset.url;
  var token = box.querySelector("input[name=csrfmiddlewaretoken]").value;
  var count = document.getElementById("seat-count");
  var error = document.getElementById("editor-error");

  function toggle(seat) {
    if (seat.classList.contains("busy")) return;
    seat.classList.add("busy");
    var body = new URLSearchParams();
    body.set("row", seat.dataset.row);
    body.set("seat", seat.dataset.seat);
    body.set("rostrum", seat.dataset.rostrum);
    fetch(url, {
      method: "POST",
      headers: {"X-CSRFToken": token, "Content-Type": "application/x-www-form-urlencoded"},
      body: body.toString(),
      credentials: "same-origin"
    }).then(function (r) {
      return r.json().then(function (data) { return {ok: r.ok, data: data}; });
    }).then(function (res) {
      seat.classList.remove("busy");
      if (!res.ok) {
        error.textContent = res.data.error ? res.data.error.message : "";
        error.hidden = false;
        return;
      }
      error.hidden = true;
      seat.classList.toggle("off", !res.data.on);
      seat.setAttribute("aria-pressed", res.data.on ? "true" : "false");
      if (count) count.textContent = res.data.seats;
    }).catch(function () {
      seat.classList.remove("busy");
    });
  }

  box.addEventListener("click", function (e) {
    var seat = e.target.closest("g.seat");
    if (seat) toggle(seat);
  });
  box.addEventListener("keydown", function (e) {
    var seat = e.target.closest("g.seat");
    if (seat && (e.key === "Enter" || e.key === " ")) {
      e.preventDefault();
      toggle(seat);
    }
  });
})();
