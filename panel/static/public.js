/* Wadul's public map: clusters computed by the server (/publik/peta.json, a grid by zoom),
   drawn with Leaflet.markercluster's look; single points only at high zoom. No third-party code here. */
(function () {
  "use strict";

  function clusterIcon(count) {
    var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
    var text = count >= 10000 ? Math.round(count / 1000) + "k" : String(count);
    return L.divIcon({ html: "<div><span>" + text + "</span></div>",
                       className: "marker-cluster marker-cluster-" + size + " cluster-count",
                       iconSize: L.point(40, 40) });
  }

  function showPublicMap(el) {
    if (!el || typeof L === "undefined") { return; }
    var map = L.map(el, { scrollWheelZoom: false, minZoom: 1, maxZoom: 19 });
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
    }
    if (el.dataset.west) {
      map.fitBounds([[parseFloat(el.dataset.south), parseFloat(el.dataset.west)],
                     [parseFloat(el.dataset.north), parseFloat(el.dataset.east)]]);
    } else {
      map.setView([-2.5, 118], 5);
    }
    var layer = L.layerGroup().addTo(map);
    var points = typeof L.markerClusterGroup === "function" ? L.markerClusterGroup({ maxClusterRadius: 20 }) : L.layerGroup();
    points.addTo(map);
    var seq = 0;

    function load() {
      var b = map.getBounds(), mine = ++seq;
      var sep = el.dataset.url.indexOf("?") >= 0 ? "&" : "?";
      var url = el.dataset.url + sep + "z=" + map.getZoom() + "&bbox=" + [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]
        .map(function (v) { return v.toFixed(5); }).join(",");
      fetch(url, { credentials: "omit" }).then(function (r) { return r.json(); }).then(function (data) {
        if (mine !== seq) { return; }
        layer.clearLayers();
        points.clearLayers();
        (data.clusters || []).forEach(function (c) {
          var marker = L.marker([c.lat, c.lon], { icon: clusterIcon(c.count),
                                                 title: el.dataset.label.replace("{count}", c.count) });
          marker.on("click", function () { map.setView([c.lat, c.lon], Math.min(map.getZoom() + 2, 19)); });
          layer.addLayer(marker);
        });
        (data.points || []).forEach(function (p) {
          var marker = L.marker([p.lat, p.lon], { title: p.code });
          var link = document.createElement("a");
          link.href = el.dataset.detail.replace("CODE", encodeURIComponent(p.code));
          link.textContent = p.code;
          marker.bindPopup(link);
          points.addLayer(marker);
        });
        el.dataset.clusters = String((data.clusters || []).length);
        el.dataset.points = String((data.points || []).length);
        el.classList.add("map-ready");
      });
    }
    map.on("moveend", load);
    load();
  }

  function showPoint(el) {
    if (!el || typeof L === "undefined") { return; }
    var lat = parseFloat(el.dataset.lat), lon = parseFloat(el.dataset.lon);
    var map = L.map(el, { scrollWheelZoom: false, maxZoom: 19 }).setView([lat, lon], 16);
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
    }
    L.marker([lat, lon]).addTo(map);
    el.classList.add("map-ready");
  }

  function villagesFollowKecamatan() {
    var kec = document.getElementById("f-kecamatan"), desa = document.getElementById("f-desa");
    if (!kec || !desa) { return; }
    kec.addEventListener("change", function () { desa.value = ""; desa.disabled = true; kec.form.submit(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    showPublicMap(document.getElementById("public-map"));
    showPoint(document.getElementById("detail-map"));
    villagesFollowKecamatan();
  });
}());
