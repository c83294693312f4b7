/* The member card renews its code shortly before it expires: the page reloads itself
   (data-renew-after, in seconds). A meta refresh would do the same without JavaScript,
   but cannot be paused or announced; this waits while the page is hidden. */
(function () {
  var card = document.querySelector("[data-renew-after]");
  if (!card) { return; }
  var due = Date.now() + 1000 * Number(card.getAttribute("data-renew-after"));
  function check() {
    if (Date.now() >= due && document.visibilityState === "visible") { window.location.reload(); }
  }
  window.setInterval(check, 5000);
  document.addEventListener("visibilitychange", check);
})();
