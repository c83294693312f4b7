/* Forms marked data-confirm="question" ask before they submit (removing, leaving). */
document.addEventListener("submit", function (event) {
  var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) { event.preventDefault(); }
});

/* Behaviour without inline scripts (the Content Security Policy forbids them):
   data-print prints the page; data-autosubmit submits its form when changed. */
document.addEventListener("click", function (event) {
  var target = event.target.closest && event.target.closest("[data-print]");
  if (target) { window.print(); }
});
document.addEventListener("change", function (event) {
  if (event.target.hasAttribute && event.target.hasAttribute("data-autosubmit")) {
    event.target.form.submit();
  }
});
