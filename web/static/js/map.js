// map.js - Leaflet wrapper. Leaflet is loaded as a classic script
// (/vendor/leaflet/leaflet.js) and used through window.L. With an empty
// tile_url the map has no tile layer (markers on a neutral background).

import { getMeta } from './api.js';
import { t } from './i18n.js';

const DEFAULT_CENTER = [35.4437, 139.638]; // 横浜付近
let configured = false;

function L() { return window.L; }

/**
 * createMap(el, {label}) -> {map, setMarkers(items, onOpen), destroy()}
 * items: [{id, name, location:{lat,lon}}]
 */
export async function createMap(el, { label = t('map.label'), zoom = 13 } = {}) {
  const Leaflet = L();
  el.classList.add('map');
  el.setAttribute('role', 'region');
  el.setAttribute('aria-label', label);
  if (!Leaflet) {
    el.textContent = t('map.error');
    return { setMarkers() {}, destroy() {}, focus() {} };
  }
  if (!configured) {
    Leaflet.Icon.Default.imagePath = '/vendor/leaflet/images/';
    configured = true;
  }
  const map = Leaflet.map(el, { center: DEFAULT_CENTER, zoom, scrollWheelZoom: false, zoomAnimation: false, fadeAnimation: false, markerZoomAnimation: false });
  let alive = true;
  let meta = null;
  try { meta = await getMeta(); } catch (e) { meta = null; }
  if (meta && meta.tile_url) {
    Leaflet.tileLayer(meta.tile_url, { attribution: meta.tile_attribution || '', maxZoom: 19 }).addTo(map);
  } else {
    el.classList.add('map-notiles');
  }
  const layer = Leaflet.layerGroup().addTo(map);
  const markers = new Map();

  function setMarkers(items, onOpen) {
    layer.clearLayers();
    markers.clear();
    const pts = [];
    for (const it of items) {
      if (!it.location || typeof it.location.lat !== 'number') continue;
      const ll = [it.location.lat, it.location.lon];
      const mk = Leaflet.marker(ll, { title: it.name, alt: it.name, keyboard: true });
      if (onOpen) mk.on('click', () => onOpen(it));
      mk.addTo(layer);
      markers.set(it.id, mk);
      pts.push(ll);
    }
    if (!alive) return 0;
    if (pts.length === 1) map.setView(pts[0], 15, { animate: false });
    else if (pts.length > 1) map.fitBounds(pts, { padding: [30, 30], maxZoom: 16, animate: false });
    // Leaflet gives the marker img role=button when clickable; keep its name.
    return pts.length;
  }
  function focus(id) {
    const mk = markers.get(id);
    if (mk && alive) map.setView(mk.getLatLng(), Math.max(map.getZoom(), 15), { animate: false });
  }
  // Size may change after layout (responsive columns).
  const ro = new ResizeObserver(() => { if (alive) map.invalidateSize({ animate: false }); });
  ro.observe(el);
  return {
    map, setMarkers, focus,
    destroy() { alive = false; ro.disconnect(); map.remove(); },
  };
}
