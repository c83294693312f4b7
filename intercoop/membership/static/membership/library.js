/* A button marked data-copy="ID" copies the value of the field with that id (a badge's
   hosted URL) and says so. */
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-copy]");
  if (!button) { return; }
  var field = document.getElementById(button.getAttribute("data-copy"));
  if (!field) { return; }
  function copied() {
    button.textContent = gettext("Copied");
  }
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(copied);
  } else {
    field.select();
    if (document.execCommand("copy")) { copied(); }
  }
});
