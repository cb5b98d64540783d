// The location picker: a click on a small map stands in for the phone's GPS.
//
// Village boundaries come from the regions file (so it works without map tiles); the
// village under the marker is named, as a hint of where the complaint will be routed.

import { errorText, getJSON, t } from "./api.js";

/* global L */
const FALLBACK_CENTER = [-1.85, 109.97];  // Ketapang town, when no regions file is available
const PICK_ZOOM = 15;

export class MapPicker {
  constructor(dialog, info) {
    this.dialog = dialog;
    this.info = info;
    this.map = null;
    this.marker = null;
    this.villages = null;
    this.resolve = null;
    this.field = (name) => dialog.querySelector(`[name="${name}"]`);
    this.sendButton = dialog.querySelector(".send-location");
    this.errorBox = dialog.querySelector(".form-error");
    this.placeBox = dialog.querySelector(".place-name");
    dialog.querySelector(".cancel").addEventListener("click", () => this.close(null));
    dialog.addEventListener("click", (event) => { if (event.target === dialog) this.close(null); });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !dialog.hidden) this.close(null);
    });
    this.sendButton.addEventListener("click", () => this.submit());
    for (const name of ["latitude", "longitude"]) {
      this.field(name).addEventListener("input", () => this.typed());
    }
  }

  // Open the picker; resolves to {latitude, longitude, ...} or null when cancelled.
  // `withVenue` offers sending the point as a named place.
  pick({ withVenue = true } = {}) {
    this.dialog.hidden = false;
    this.dialog.querySelector(".venue-fields").hidden = !withVenue;
    this.errorBox.textContent = "";
    this.ensureMap();
    this.map.invalidateSize();
    return new Promise((resolve) => { this.resolve = resolve; });
  }

  close(value) {
    this.dialog.hidden = true;
    const resolve = this.resolve;
    this.resolve = null;
    if (resolve) resolve(value);
  }

  ensureMap() {
    if (this.map) return;
    this.map = L.map(document.getElementById("pick-map"), { zoomControl: true });
    this.map.setView(FALLBACK_CENTER, 12);
    if (this.info.tile_url) {
      L.tileLayer(this.info.tile_url, { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(this.map);
    }
    this.map.on("click", (event) => this.place(event.latlng.lat, event.latlng.lng));
    window.wadulSandbox = Object.assign(window.wadulSandbox || {}, { pickerMap: this.map });
    if (this.info.regions) this.loadVillages();
  }

  async loadVillages() {
    try {
      const data = await getJSON("/api/regions");
      this.villages = L.geoJSON(data, {
        style: { color: "#3a6ea5", weight: 1, fillOpacity: 0.04 },
        onEachFeature: (feature, layer) => layer.bindTooltip(villageName(feature.properties), { sticky: true }),
        interactive: true,
      }).addTo(this.map);
      this.villages.on("click", (event) => this.place(event.latlng.lat, event.latlng.lng));
      if (!this.marker) this.map.fitBounds(this.villages.getBounds());
      this.map.getContainer().classList.add("regions-ready");
    } catch (error) {
      this.errorBox.textContent = errorText(error);
    }
  }

  place(lat, lng, { fromTyping = false } = {}) {
    const point = [lat, lng];
    if (this.marker) this.marker.setLatLng(point);
    else this.marker = L.marker(point).addTo(this.map);
    if (!fromTyping) {
      this.field("latitude").value = lat.toFixed(6);
      this.field("longitude").value = lng.toFixed(6);
    }
    this.sendButton.disabled = false;
    this.placeBox.textContent = this.villageAt(lat, lng);
  }

  typed() {
    const lat = parseFloat(this.field("latitude").value);
    const lng = parseFloat(this.field("longitude").value);
    if (Number.isFinite(lat) && Number.isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180) {
      this.place(lat, lng, { fromTyping: true });
      this.map.panTo([lat, lng]);
    } else {
      this.sendButton.disabled = true;
    }
  }

  villageAt(lat, lng) {
    if (!this.villages) return "";
    let name = "";
    this.villages.eachLayer((layer) => {
      if (!name && containsPoint(layer, lat, lng)) name = villageName(layer.feature.properties);
    });
    return name ? t("sandbox.map.inside", { place: name }) : t("sandbox.map.outside");
  }

  submit() {
    const value = {
      latitude: parseFloat(this.field("latitude").value),
      longitude: parseFloat(this.field("longitude").value),
    };
    const accuracy = this.field("horizontal_accuracy").value;
    if (accuracy !== "") value.horizontal_accuracy = parseFloat(accuracy);
    if (!this.dialog.querySelector(".venue-fields").hidden) {
      value.title = this.field("title").value.trim();
      value.address = this.field("address").value.trim();
    }
    this.close(value);
  }

  // For tests and demos: centre the map on a point at street level.
  focus(lat, lng, zoom = PICK_ZOOM) {
    this.map.setView([lat, lng], zoom, { animate: false });
  }
}

function villageName(properties) {
  const desa = properties.desa || properties.name || "?";
  return properties.kecamatan ? `${desa}, Kec. ${properties.kecamatan}` : desa;
}

// Ray casting over the polygon rings of a GeoJSON layer (holes count as outside).
function containsPoint(layer, lat, lng) {
  const geometry = layer.feature && layer.feature.geometry;
  if (!geometry) return false;
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates]
    : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
  return polygons.some((rings) => rings.reduce((inside, ring, index) => {
    const hit = ringContains(ring, lng, lat);
    return index === 0 ? hit : inside && !hit;
  }, false));
}

function ringContains(ring, x, y) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
