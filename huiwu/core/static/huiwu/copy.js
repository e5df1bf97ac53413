/* Buttons with data-copy="<id>" copy that element's text (a textarea's value) to the clipboard and
   say so for a moment (data-done); without the clipboard API the text is copied the old way. */
(function () {
  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* the text stays selectable on the page */ }
    document.body.removeChild(area);
  }
  function copy(text, button) {
    function done() {
      var label = button.getAttribute("data-label") || button.textContent;
      button.setAttribute("data-label", label);
      button.textContent = button.getAttribute("data-done") || "✓";
      setTimeout(function () { button.textContent = label; }, 1500);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
    } else {
      fallback(text);
      done();
    }
  }
  document.addEventListener("click", function (ev) {
    var b = ev.target.closest("[data-copy]");
    if (!b) return;
    var source = document.getElementById(b.getAttribute("data-copy"));
    if (source) copy(source.value !== undefined ? source.value : source.textContent, b);
  });
})();
