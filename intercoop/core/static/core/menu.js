/* The site menu on narrow screens: the header's button shows and hides the navigation.
   Without JavaScript the button stays hidden and the navigation is always shown. */
(function () {
  var header = document.querySelector("[data-menu]");
  var button = header && header.querySelector("[data-menu-button]");
  if (!button) { return; }
  var menu = document.getElementById(button.getAttribute("aria-controls"));
  header.classList.add("has-menu");
  button.hidden = false;
  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    header.classList.toggle("menu-open", open);
  }
  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      button.focus();
    }
  });
  menu.addEventListener("focusout", function (event) {
    if (event.relatedTarget && !header.contains(event.relatedTarget)) { setOpen(false); }
  });
})();
