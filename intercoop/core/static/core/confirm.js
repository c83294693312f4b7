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

/* A region marked data-poll (a task or import still running) is fetched again every two
   seconds and replaced in place, announced politely, until the server sends it without
   data-poll. Unlike a meta refresh, the page keeps its focus and scroll position. */
(function () {
  var region = document.querySelector("[data-poll]");
  if (!region || !window.fetch || !window.DOMParser) { return; }
  function poll() {
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(region.id);
        if (!fresh) { return; }
        region.innerHTML = fresh.innerHTML;
        if (fresh.hasAttribute("data-poll")) { window.setTimeout(poll, 2000); }
        else { region.removeAttribute("data-poll"); }
      });
  }
  window.setTimeout(poll, 2000);
})();
