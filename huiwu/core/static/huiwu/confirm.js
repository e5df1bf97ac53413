// Forms marked data-confirm="question" ask before they are sent (publish, close, archive, delete).
document.addEventListener("submit", function (ev) {
  var form = ev.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.getAttribute("data-confirm"))) {
    ev.preventDefault();
  }
}, true);
