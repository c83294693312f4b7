// The map of a notice board: one marker per notice, coloured by type; a click opens it.
(function () {
  "use strict";
  var el = document.getElementById("notices-map");
  if (!el) return;
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var data = JSON.parse(document.getElementById("notices-geojson").textContent);
  var colours = { housing: "#0f6b4f", job: "#2d5fa8", transfer: "#6b4fa8", help: "#b3261e", event: "#c98a1a", equipment: "#5b6b71" };
  var map = L.map(el, { scrollWheelZoom: false, maxZoom: 18 });
  if (config.tiles) {
    L.tileLayer(config.tiles, { maxZoom: 18, attribution: config.attribution }).addTo(map);
  }
  var layer = L.geoJSON(data, {
    pointToLayer: function (feature, latlng) {
      return L.circleMarker(latlng, {
        radius: 8, weight: 2, color: "#fff", fillOpacity: 0.9,
        fillColor: colours[feature.properties.kind] || "#333"
      });
    },
    onEachFeature: function (feature, marker) {
      var p = feature.properties;
      var link = document.createElement("a");
      link.href = "/notices/" + p.id + "/";
      link.textContent = p.title;
      var box = document.createElement("div");
      var kind = document.createElement("div");
      kind.className = "notice-kind";
      kind.textContent = p.kind_label;
      var who = document.createElement("div");
      who.textContent = p.organization;
      box.append(kind, link, who);
      marker.bindPopup(box);
    }
  }).addTo(map);
  if (data.features.length) {
    map.fitBounds(layer.getBounds(), { padding: [30, 30], maxZoom: 13 });
  } else {
    map.setView([20, 0], 2);
  }
})();
