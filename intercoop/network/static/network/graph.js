/* The network graph: Cytoscape.js, coloured and sized by the chosen attributes, filtered
   by type, formality and sector, as the network was on the slider's date. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("graph-config").textContent);
  config.api = JSON.parse(document.getElementById("graph-api").textContent);
  var labels = JSON.parse(document.getElementById("graph-labels").textContent);
  var PALETTE = ["#0f6b4f", "#d1495b", "#edae49", "#00798c", "#30638e", "#8d6a9f", "#c66b3d",
    "#5b8c5a", "#e07a5f", "#3d405b", "#81b29a", "#f2cc8f", "#6d597a", "#b56576"];
  var KIND_COLOURS = {};
  Object.keys(labels.kinds).forEach(function (kind, i) { KIND_COLOURS[kind] = PALETTE[(i + 3) % PALETTE.length]; });
  document.querySelectorAll(".swatch").forEach(function (el) { el.style.background = KIND_COLOURS[el.dataset.kind]; });
  var DAY = 86400000;
  var slider = document.getElementById("as-of");
  var sliderLabel = document.getElementById("as-of-label");
  var data = null;
  var firstDay = null;

  var cy = cytoscape({
    container: document.getElementById("graph"),
    // Large graphs: draw a bitmap while panning and zooming, labels only when readable.
    textureOnViewport: true,
    hideEdgesOnViewport: true,
    minZoom: 0.05,
    style: [
      { selector: "node", style: {
        "background-color": "data(colour)", width: "data(size)", height: "data(size)",
        label: "data(name)", "font-size": 9, "text-valign": "bottom", "text-margin-y": 2,
        color: "#1d2a2f", "text-outline-color": "#fff", "text-outline-width": 1.5,
        "min-zoomed-font-size": 7 } },
      { selector: "node[?articulation_point]", style: { "border-width": 3, "border-color": "#b3261e" } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#000" } },
      { selector: "edge", style: {
        width: 1.5, "line-color": "data(colour)", "target-arrow-color": "data(colour)",
        "target-arrow-shape": "triangle", "arrow-scale": 0.8, "curve-style": "bezier", opacity: 0.85 } },
      { selector: 'edge[formality = "informal"]', style: { "line-style": "dotted" } },
      { selector: 'edge[formality = "written_agreement"]', style: { "line-style": "dashed" } },
      { selector: 'edge[formality = "joint_institution"]', style: { width: 4 } },
      { selector: ".hidden", style: { display: "none" } }
    ]
  });

  function isoDay(ms) { return new Date(ms).toISOString().slice(0, 10); }

  function load(asOf) {
    var url = config.api + (asOf ? "?as_of=" + asOf : "");
    return fetch(url).then(function (r) { return r.json(); }).then(function (graph) {
      data = graph;
      if (firstDay === null) {
        firstDay = Date.parse(graph.first_date);
        var days = Math.max(0, Math.round((Date.parse(graph.as_of) - firstDay) / DAY));
        slider.max = String(days);
        slider.value = String(days);
      }
      sliderLabel.textContent = graph.as_of;
      draw();
    });
  }

  function colourOf(node) {
    var by = document.getElementById("colour-by").value;
    var keys = Object.keys(by === "structure" ? labels.structures : labels.activities);
    var i = keys.indexOf(node[by]);
    return i < 0 ? "#9aa5a8" : PALETTE[i % PALETTE.length];
  }

  function draw() {
    var sizeBy = document.getElementById("size-by").value;
    var max = Math.max.apply(null, data.nodes.map(function (n) { return n[sizeBy] || 0; }).concat([1e-9]));
    var elements = data.nodes.map(function (n) {
      return { group: "nodes", data: Object.assign({}, n, {
        colour: colourOf(n), size: 14 + 40 * Math.sqrt((n[sizeBy] || 0) / max) }) };
    }).concat(data.edges.map(function (e) {
      return { group: "edges", data: Object.assign({}, e, { colour: KIND_COLOURS[e.kind] }) };
    }));
    cy.elements().remove();
    cy.add(elements);
    applyFilters();
    var big = data.nodes.length > 500;
    cy.container().classList.toggle("large", big);
    cy.style().selector("edge").style(big ? { "curve-style": "haystack", "target-arrow-shape": "none" }
                                          : { "curve-style": "bezier", "target-arrow-shape": "triangle" }).update();
    // Force-directed up to 500 nodes (fewer iterations past 300: seconds, not tens of
    // seconds); concentric rings by degree beyond.
    cy.layout(big ? { name: "concentric", concentric: function (n) { return n.degree(); }, animate: false }
                  : { name: "cose", animate: false, randomize: false, nodeRepulsion: 9000, idealEdgeLength: 70,
                      numIter: data.nodes.length > 300 ? 150 : 1000 }).run();
    showFigures();
    fillTable();
    window.intercoopGraphReady = true;  // drawn and laid out: what the benchmark times
  }

  function checked(name) {
    return Array.prototype.map.call(document.querySelectorAll('input[name="' + name + '"]:checked'), function (el) { return el.value; });
  }

  function applyFilters() {
    var kinds = checked("kind"), formalities = checked("formality");
    var sector = document.getElementById("sector").value;
    cy.batch(function () {
      cy.nodes().forEach(function (n) { n.toggleClass("hidden", !!sector && n.data("activity") !== sector); });
      cy.edges().forEach(function (e) {
        var shown = kinds.indexOf(e.data("kind")) >= 0 && formalities.indexOf(e.data("formality")) >= 0 &&
          !e.source().hasClass("hidden") && !e.target().hasClass("hidden");
        e.toggleClass("hidden", !shown);
      });
    });
  }

  function format(value) {
    if (typeof value === "number" && !Number.isInteger(value)) {
      return value.toLocaleString(document.documentElement.lang || undefined, { minimumFractionDigits: 3, maximumFractionDigits: 3 });
    }
    if (typeof value === "number") { return value.toLocaleString(document.documentElement.lang || undefined); }
    if (typeof value === "boolean") { return value ? "✔" : ""; }
    return String(value);
  }

  function showFigures() {
    var html = "<dl class='facts'>";
    Object.keys(labels.figures).forEach(function (key) {
      html += "<dt>" + labels.figures[key] + "</dt><dd>" + format(data.figures[key]) + "</dd>";
    });
    document.getElementById("figures").innerHTML = html + "</dl>";
  }

  function escapeHtml(text) { var d = document.createElement("div"); d.textContent = text == null ? "" : String(text); return d.innerHTML; }

  function showPanel(node) {
    var n = node.data();
    var rows = ["degree", "in_degree", "out_degree", "betweenness", "closeness", "pagerank", "coreness", "clustering", "community"]
      .map(function (k) { return "<dt>" + escapeHtml(labels.metrics[k] || k) + "</dt><dd>" + format(n[k]) + "</dd>"; }).join("");
    var panel = document.getElementById("node-panel");
    panel.innerHTML = "<h2>" + escapeHtml(n.name) + "</h2><p class='muted'>" +
      escapeHtml(labels.structures[n.structure] || "") + (n.locality ? " · " + escapeHtml(n.locality) : "") + "</p>" +
      (n.articulation_point ? "<p class='badge warn'>" + escapeHtml(labels.articulation) + "</p>" : "") +
      "<dl class='facts'>" + rows + "</dl><p><a href='" + config.detailBase + encodeURIComponent(n.id) + "/'>" +
      escapeHtml(labels.open) + "</a></p>";
    panel.hidden = false;
  }

  var sortKey = "name", sortDown = false;
  function fillTable() {
    var keys = Array.prototype.map.call(document.querySelectorAll("#metrics th"), function (th) { return th.dataset.key; });
    var rows = data.nodes.slice().sort(function (a, b) {
      var x = a[sortKey], y = b[sortKey];
      var order = typeof x === "string" ? x.localeCompare(y) : (x - y);
      return sortDown ? -order : order;
    });
    document.querySelector("#metrics tbody").innerHTML = rows.map(function (n) {
      return "<tr>" + keys.map(function (k, i) {
        return i === 0 ? "<td><a href='" + config.detailBase + encodeURIComponent(n.id) + "/'>" + escapeHtml(n.name) + "</a></td>"
                       : "<td>" + format(n[k]) + "</td>";
      }).join("") + "</tr>";
    }).join("");
  }

  document.querySelectorAll("#metrics th").forEach(function (th) {
    th.addEventListener("click", function () {
      sortDown = sortKey === th.dataset.key ? !sortDown : th.dataset.key !== "name";
      sortKey = th.dataset.key;
      fillTable();
    });
  });
  cy.on("tap", "node", function (event) { showPanel(event.target); });
  document.getElementById("graph-controls").addEventListener("change", function (event) {
    if (event.target === slider) { load(isoDay(firstDay + Number(slider.value) * DAY)); return; }
    if (event.target.id === "colour-by" || event.target.id === "size-by") { draw(); return; }
    applyFilters();
  });
  slider.addEventListener("input", function () { sliderLabel.textContent = isoDay(firstDay + Number(slider.value) * DAY); });
  document.getElementById("png").addEventListener("click", function () {
    var link = document.createElement("a");
    link.href = cy.png({ full: true, scale: 2, bg: "#ffffff" });
    link.download = "network-" + (data ? data.as_of : "") + ".png";
    link.click();
  });
  window.intercoopGraph = cy;  // for browser tests and the console
  load(null);
})();
