(function () {
  "use strict";
  var el = document.getElementById("detail-map");
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var at = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
  var map = L.map(el, { scrollWheelZoom: false, maxZoom: 19 }).setView(at, 14);
  if (config.tiles) {
    L.tileLayer(config.tiles, { maxZoom: 19, attribution: config.attribution }).addTo(map);
  }
  L.marker(at).addTo(map);
})();
