/* A new invitation link is selected on click, ready to copy. */
document.querySelectorAll("input.select-on-click").forEach(function (input) {
  input.addEventListener("click", function () { input.select(); });
});
