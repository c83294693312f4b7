/* The directory map: server-side clusters when zoomed out, markers (clustered in the
   browser) when zoomed in, a list of what is in view beside the map. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var form = document.getElementById("map-filters");
  var list = document.getElementById("map-list");
  var count = document.getElementById("map-count");
  var downloads = document.getElementById("map-downloads");

  var map = L.map("map", { worldCopyJump: true, minZoom: 2, maxZoom: 19 });
  if (config.tiles) {
    L.tileLayer(config.tiles, { maxZoom: 19, attribution: config.attribution }).addTo(map);
  }
  var clusters = L.layerGroup().addTo(map);
  var markers = L.markerClusterGroup({ showCoverageOnHover: false }).addTo(map);

  function filterParams() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (value) { params.append(key, value); }
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
      count.textContent = config.labels.inView + ": " + data.total + (data.clustered ? " · " + config.labels.zoomIn : "");
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

  map.on("moveend", load);
  form.addEventListener("change", function () { updateDownloads(); load(); });
  form.addEventListener("submit", function (e) { e.preventDefault(); updateDownloads(); load(); });
  form.addEventListener("input", function (e) {
    if (e.target.name === "q") { clearTimeout(form._t); form._t = setTimeout(function () { updateDownloads(); load(); }, 300); }
  });
  fitToData();
})();
