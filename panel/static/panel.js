/* Wadul panel: the complaint map (Leaflet) and response templates. No third-party code here. */
(function () {
  "use strict";

  function showMap(el) {
    if (!el || typeof L === "undefined") { return; }
    var lat = parseFloat(el.dataset.lat), lon = parseFloat(el.dataset.lon);
    var map = L.map(el, { scrollWheelZoom: false }).setView([lat, lon], 15);
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
    }
    if (el.dataset.outline) {
      try {
        L.geoJSON(JSON.parse(el.dataset.outline), { style: { color: "#1f5c99", weight: 2, fillOpacity: 0.05 } }).addTo(map);
      } catch (err) { /* an unreadable outline must not hide the marker */ }
    }
    var accuracy = parseFloat(el.dataset.accuracy);
    if (accuracy > 0) { L.circle([lat, lon], { radius: accuracy, weight: 1 }).addTo(map); }
    L.marker([lat, lon], { title: el.dataset.label }).addTo(map);
    el.classList.add("map-ready");
  }

  function useTemplates() {
    document.querySelectorAll(".template-picker").forEach(function (select) {
      select.addEventListener("change", function () {
        var option = select.options[select.selectedIndex];
        var target = document.getElementById(select.dataset.target);
        if (target && option && option.dataset.text) { target.value = option.dataset.text; target.focus(); }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    showMap(document.getElementById("complaint-map"));
    useTemplates();
  });
}());
