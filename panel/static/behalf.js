/* Wadul panel, "Catat aduan": a click on the map fills the point; the village under it is named. */
(function () {
  "use strict";

  function setup(el) {
    if (!el || typeof L === "undefined") { return; }
    var latInput = document.getElementById("latitude"), lonInput = document.getElementById("longitude");
    var label = document.getElementById("behalf-place");
    var lat = parseFloat(latInput.value), lon = parseFloat(lonInput.value);
    var centre = [parseFloat(el.dataset.lat) || -1.85, parseFloat(el.dataset.lon) || 110.0];
    var map = L.map(el, { scrollWheelZoom: false }).setView(isNaN(lat) ? centre : [lat, lon], isNaN(lat) ? 9 : 15);
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
    }
    var marker = null;

    function name(latlng) {
      if (!el.dataset.locate || !label) { return; }
      fetch(el.dataset.locate + "?lat=" + latlng.lat + "&lon=" + latlng.lng, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) { label.textContent = data.text || ""; label.className = data.found ? "small mb-1 text-success" : "small mb-1 text-danger"; })
        .catch(function () { label.textContent = ""; });
    }

    function place(latlng) {
      if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
      latInput.value = latlng.lat.toFixed(6);
      lonInput.value = latlng.lng.toFixed(6);
      name(latlng);
    }

    if (!isNaN(lat) && !isNaN(lon)) { place(L.latLng(lat, lon)); }
    map.on("click", function (e) { place(e.latlng); });
    el.wadulMap = map;  // for the browser test, which moves the view before clicking
    el.classList.add("map-ready");
  }

  document.addEventListener("DOMContentLoaded", function () {
    setup(document.getElementById("behalf-map"));
  });
}());
