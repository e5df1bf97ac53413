/* The declaration links page: print the QR sheet (copying is huiwu/copy.js). */
document.addEventListener("click", function (ev) {
  if (ev.target.closest("#print")) window.print();
});
