/* The directory map: server-side clusters when zoomed out, markers (clustered in the
   browser) when zoomed in, a list of what is in view beside the map. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var gettext = typeof window.gettext === "function" ? window.gettext : function (text) { return text; };
  var form = document.getElementById("map-filters");
  var list = document.getElementById("map-list");
  var count = document.getElementById("map-count");
  var downloads = document.getElementById("map-downloads");
  var placeInput = document.getElementById("place-q");
  // The view in the address (?at=lat,lon,zoom&place=…, with the filters) so that it can
  // be shared and a reload restores it.
  var shared = new URLSearchParams(window.location.search);
  var place = shared.get("place") || "";

  var map = L.map("map", { worldCopyJump: true, minZoom: 2, maxZoom: 19 });
  if (config.tiles) {
    L.tileLayer(config.tiles, { maxZoom: 19, attribution: config.attribution }).addTo(map);
  }
  var clusters = L.layerGroup().addTo(map);
  var markers = L.markerClusterGroup({ showCoverageOnHover: false }).addTo(map);

  function filterParams() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (value && key !== "at" && key !== "place") { params.append(key, value); }
    });
    return params;
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function detailUrl(slug) { return config.detailBase + encodeURIComponent(slug) + "/"; }

  function clusterIcon(n) {
    var size = n < 10 ? 30 : n < 100 ? 38 : n < 1000 ? 46 : 54;
    return L.divIcon({
      html: "<div><span>" + n + "</span></div>",
      className: "marker-cluster " + (n < 10 ? "marker-cluster-small" : n < 100 ? "marker-cluster-medium" : "marker-cluster-large"),
      iconSize: L.point(size, size),
    });
  }

  function bboxParam() {
    var b = map.getBounds();
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (x) { return x.toFixed(5); }).join(",");
  }

  var pending = null;
  function load() {
    var params = filterParams();
    params.set("bbox", bboxParam());
    params.set("zoom", map.getZoom());
    if (pending) { pending.abort(); }
    pending = new AbortController();
    var signal = pending.signal;
    fetch("/api/v1/map?" + params.toString(), { signal: signal })
      .then(function (r) { return r.json(); })
      .then(function (data) { draw(data); })
      .catch(function () {});
    var listParams = filterParams();
    listParams.set("bbox", bboxParam());
    listParams.set("page_size", "50");
    fetch("/api/v1/organizations?" + listParams.toString(), { signal: signal })
      .then(function (r) { return r.json(); })
      .then(function (page) { drawList(page); })
      .catch(function () {});
  }

  function draw(data) {
    clusters.clearLayers();
    markers.clearLayers();
    data.features.forEach(function (f) {
      var latlng = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
      if (data.clustered) {
        var m = L.marker(latlng, { icon: clusterIcon(f.properties.count), title: String(f.properties.count) });
        m.on("click", function () { map.setView(latlng, Math.min(map.getZoom() + 2, 18)); });
        clusters.addLayer(m);
      } else {
        var p = f.properties;
        var marker = L.marker(latlng, { title: p.name });
        marker.bindPopup('<a href="' + detailUrl(p.slug) + '"' + (config.embed ? ' target="_blank" rel="noopener"' : "") + ">" +
          escapeHtml(p.name) + "</a><br>" + escapeHtml(p.locality));
        markers.addLayer(marker);
      }
    });
    if (count) {
      var total = Number(data.total).toLocaleString(document.documentElement.lang || undefined);
      count.textContent = gettext("In view: %s").replace("%s", total) + (data.clustered ? " · " + gettext("Zoom in to see them one by one") : "");
    }
  }

  function drawList(page) {
    if (!list) { return; }
    list.innerHTML = page.results.map(function (o) {
      return '<li><a href="' + detailUrl(o.slug) + '">' + escapeHtml(o.name) + "</a> <span class=\"muted\">" +
        escapeHtml(o.locality) + "</span></li>";
    }).join("");
  }

  function updateDownloads() {
    if (!downloads) { return; }
    var query = filterParams().toString();
    downloads.querySelectorAll("a[data-format]").forEach(function (a) {
      a.href = "/api/v1/organizations/export?format=" + a.dataset.format + (query ? "&" + query : "");
    });
  }

  function fitToData() {
    var params = filterParams();
    params.set("zoom", "3");
    fetch("/api/v1/map?" + params.toString())
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var points = data.features.map(function (f) { return [f.geometry.coordinates[1], f.geometry.coordinates[0]]; });
        if (points.length) { map.fitBounds(L.latLngBounds(points).pad(0.1), { maxZoom: 13 }); }
        else { map.setView([20, 0], 2); }
      })
      .catch(function () { map.setView([20, 0], 2); });
  }

  function sharedView() {
    var at = (shared.get("at") || "").split(",").map(Number);
    if (at.length !== 3 || !at.every(isFinite) || Math.abs(at[0]) > 90 || Math.abs(at[1]) > 180) { return null; }
    return { center: [at[0], at[1]], zoom: Math.max(2, Math.min(19, Math.round(at[2]))) };
  }

  function updateAddress() {
    if (config.embed || !window.history.replaceState) { return; }
    var params = filterParams();
    if (place) { params.set("place", place); }
    var c = map.getCenter();
    params.set("at", [c.lat.toFixed(5), c.lng.toFixed(5), map.getZoom()].join(","));
    window.history.replaceState(null, "", window.location.pathname + "?" + params.toString());
  }

  var FitControl = L.Control.extend({
    options: { position: "topright" },
    onAdd: function () {
      var box = L.DomUtil.create("div", "leaflet-bar map-fit");
      var button = L.DomUtil.create("button", "", box);
      button.type = "button";
      button.textContent = gettext("Fit to results");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.on(button, "click", fitToData);
      return box;
    },
  });
  new FitControl().addTo(map);

  var placeMarker = null;
  if (placeInput) {
    if (place) { placeInput.value = place; }
    placeInput.addEventListener("combobox:choose", function (e) {
      var p = e.detail;
      place = placeInput.value;
      var zoom = p.source === "directory" ? 12 : p.population > 1000000 ? 10 : 12;
      if (placeMarker) { map.removeLayer(placeMarker); }
      placeMarker = L.circleMarker([p.latitude, p.longitude], { radius: 9, color: "#1a56c4", weight: 3, fillOpacity: 0.15 })
        .bindTooltip(place).addTo(map);
      map.setView([p.latitude, p.longitude], zoom);
      updateAddress();
    });
    placeInput.addEventListener("input", function () {
      if (!placeInput.value.trim()) { place = ""; updateAddress(); }
    });
  }

  map.on("moveend", load);
  map.on("moveend", updateAddress);
  form.addEventListener("change", updateAddress);
  form.addEventListener("change", function () { updateDownloads(); load(); });
  form.addEventListener("submit", function (e) { e.preventDefault(); updateDownloads(); load(); });
  form.addEventListener("input", function (e) {
    if (e.target.name === "q") { clearTimeout(form._t); form._t = setTimeout(function () { updateDownloads(); updateAddress(); load(); }, 300); }
  });
  var view = sharedView();
  if (view) { map.setView(view.center, view.zoom); } else { fitToData(); }
})();
