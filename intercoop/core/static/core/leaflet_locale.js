/* Leaflet's own words in the page's language (Django's JavaScript catalogue): the zoom
   buttons' titles, the attribution's link title and the popups' close button. Load it
   right after leaflet.js, before any map is made. Without the catalogue, English stays. */
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }
  var gettext = typeof window.gettext === "function" ? window.gettext : function (text) { return text; };

  function attribute(text) {
    return String(text).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  }

  L.Control.Zoom.prototype.options.zoomInTitle = gettext("Zoom in");
  L.Control.Zoom.prototype.options.zoomOutTitle = gettext("Zoom out");
  var prefix = L.Control.Attribution.prototype.options.prefix;
  if (typeof prefix === "string") {
    L.Control.Attribution.prototype.options.prefix = prefix.replace(
      'title="A JavaScript library for interactive maps"',
      'title="' + attribute(gettext("A JavaScript library for interactive maps")) + '"'
    );
  }
  L.Map.addInitHook(function () {
    this.on("popupopen", function (event) {
      var button = event.popup && event.popup._closeButton;
      if (button) { button.setAttribute("aria-label", gettext("Close popup")); }
    });
  });
})();
