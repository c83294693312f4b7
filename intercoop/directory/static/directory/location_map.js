/* The organisation form's small map: clicking puts a draggable marker that fills the
   latitude and longitude boxes; dragging it updates them; typing in them moves it. */
(function () {
  "use strict";
  var gettext = window.gettext || function (s) { return s; };
  var el = document.getElementById("location-map");
  if (!el || typeof L === "undefined") { return; }
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var latField = document.getElementById(el.dataset.latField);
  var lonField = document.getElementById(el.dataset.lonField);
  if (!latField || !lonField) { return; }

  var map = L.map(el, { scrollWheelZoom: false, maxZoom: 19, worldCopyJump: true });
  if (config.tiles) {
    L.tileLayer(config.tiles, { maxZoom: 19, attribution: config.attribution }).addTo(map);
  }
  var marker = null;

  function typed() {
    var lat = parseFloat(latField.value), lon = parseFloat(lonField.value);
    if (!isFinite(lat) || !isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) { return null; }
    return L.latLng(lat, lon);
  }

  function fill(latlng) {
    var wrapped = latlng.wrap();
    latField.value = wrapped.lat.toFixed(6);
    lonField.value = wrapped.lng.toFixed(6);
    latField.dispatchEvent(new Event("change", { bubbles: true }));
    lonField.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function place(latlng) {
    if (marker) { marker.setLatLng(latlng); return; }
    marker = L.marker(latlng, { draggable: true, autoPan: true, title: gettext("Drag to move the location") });
    marker.on("dragend", function () { fill(marker.getLatLng()); });
    marker.addTo(map);
  }

  var start = typed();
  if (start) { place(start); map.setView(start, 14); } else { map.setView([20, 0], 2); }

  map.on("click", function (e) { place(e.latlng); fill(e.latlng); });
  [latField, lonField].forEach(function (field) {
    field.addEventListener("input", function () {
      var at = typed();
      if (at) { place(at); map.panTo(at); }
    });
  });
})();
