// map.js - Leaflet wrapper. Leaflet is a classic script (/vendor/leaflet/leaflet.js)
// used through window.L: a page may load it itself (app.html, `defer`), else the first
// map loads it and its CSS (index.html, so that on a slow phone line the list of places
// does not wait behind the map's 40 KB). With an empty tile_url the map has no tile
// layer (markers on a neutral background).
//
// Tiles and privacy (docs/ui.md "Maps and privacy"): every tile request tells the tile
// server the viewer's IP address and the area on screen. Unless meta.tile_trusted (the
// deployment's own tile server), the public page draws its maps without tiles until the
// visitor says yes (for the life of the page, in memory only), and no map loads tiles
// while it shows a place whose location is confidential (staff who may see it), so an
// outside server never learns where a shelter is from the zoom around it.

import { getMeta } from './api.js';
import { h, toast } from './dom.js';
import { t } from './i18n.js';

const DEFAULT_CENTER = [35.4437, 139.638]; // 横浜付近
let configured = false;

const LEAFLET_JS = '/vendor/leaflet/leaflet.js';
const LEAFLET_CSS = '/vendor/leaflet/leaflet.css';
// The versioned URL the page's import map gives (cached for good), else the plain one.
const versioned = (url) => { try { return import.meta.resolve(url); } catch (e) { return url; } };
let leaflet = null;

/** Leaflet (window.L), loading its script and stylesheet when the page has not; null if it fails. */
export function loadLeaflet() {
  if (window.L) return Promise.resolve(window.L);
  if (!leaflet) {
    const done = (el) => new Promise((resolve) => {
      el.addEventListener('load', () => resolve(true), { once: true });
      el.addEventListener('error', () => resolve(false), { once: true });
    });
    // The pages' own links carry ?v=VERSION (the server versions them): match by prefix.
    let css = document.querySelector(`link[rel=stylesheet][href^="${LEAFLET_CSS}"]`);
    let cssLoaded = Promise.resolve(true);
    if (!css) {
      css = document.createElement('link');
      css.rel = 'stylesheet';
      css.href = versioned(LEAFLET_CSS);
      cssLoaded = done(css);
      // before app.css, whose .leaflet-* rules override Leaflet's own
      const app = document.querySelector('link[rel=stylesheet][href*="/app.css"]');
      document.head.insertBefore(css, app);
    }
    let js = document.querySelector(`script[src^="${LEAFLET_JS}"]`);
    let jsLoaded;
    if (js) {
      // The page's own `defer` script has run (or failed) by DOMContentLoaded.
      jsLoaded = document.readyState === 'loading'
        ? new Promise((resolve) => document.addEventListener('DOMContentLoaded', () => resolve(true), { once: true }))
        : Promise.resolve(true);
    } else {
      js = document.createElement('script');
      js.src = versioned(LEAFLET_JS);
      jsLoaded = done(js);
      document.head.appendChild(js);
    }
    leaflet = Promise.all([jsLoaded, cssLoaded]).then(() => window.L || null);
  }
  return leaflet;
}

// The public page's visitor said yes to tiles from an outside server (this page's life).
let tilesAllowed = false;
const askingMaps = new Set(); // maps waiting for that yes (each has its own button)

/** The service a tile URL template names, for the words: OpenStreetMap, else its host. */
function tileHost(url) {
  let host = url;
  try { host = new URL(url.replace(/[{}]/g, ''), location.href).host; } catch (e) { /* as given */ }
  return /(^|\.)openstreetmap\.(org|fr|de)$/.test(host) ? 'OpenStreetMap' : host;
}

/**
 * createMap(el, {label, publicPage}) -> {map, setMarkers(items, onOpen), focus(id), destroy()}
 * items: [{id, name, location:{lat,lon}, is_confidential}]
 * publicPage: the families' page, which asks before loading tiles from an outside server.
 */
export async function createMap(el, { label = t('map.label'), zoom = 13, publicPage = false } = {}) {
  el.classList.add('map');
  el.setAttribute('role', 'region');
  el.setAttribute('aria-label', label);
  const Leaflet = await loadLeaflet();
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
  const tileUrl = meta && meta.tile_url ? meta.tile_url : '';
  const outside = tileUrl !== '' && !meta.tile_trusted;
  let tiles = null; // the tile layer while drawn
  let hidden = false; // a confidential place is on the map
  let alone = false; // ... and the only one
  let hiddenNames = ''; // their names, for the note
  let dropHidden = false; // a list map: the user chose to leave the confidential places off it
  let last = null; // the last setMarkers arguments, to redraw after that choice
  let placed = false; // setMarkers has run: no tile for the default view before it
  // The words under the map: the question (public page) or why there are no tiles.
  const note = h('div', { class: 'map-note' });
  el.before(note);
  function syncTiles() {
    const want = placed && tileUrl !== '' && !(outside && (hidden || (publicPage && !tilesAllowed)));
    if (want && !tiles) {
      tiles = Leaflet.tileLayer(tileUrl, { attribution: meta.tile_attribution || '', maxZoom: 19 }).addTo(map);
    } else if (!want && tiles) {
      tiles.remove();
      tiles = null;
    }
    el.classList.toggle('map-notiles', !tiles);
    note.replaceChildren();
    if (outside && hidden && alone) {
      note.append(h('p', null, t('map.hidden_note_one')));
    } else if (outside && hidden) {
      // a list: the streets can come back without the confidential places on the map
      const why = h('p', { id: `${el.id || 'map'}-why` }, t('map.hidden_note', { names: hiddenNames }));
      const drop = h('button', { type: 'button', class: 'btn', 'aria-describedby': why.id }, t('map.hidden_drop'));
      drop.addEventListener('click', () => {
        dropHidden = true;
        if (last) setMarkers(...last);
        el.focus();
      });
      note.append(why, drop);
    } else if (outside && dropHidden && hiddenNames) {
      note.append(h('p', null, t('map.hidden_dropped', { names: hiddenNames })));
    } else if (outside && publicPage && !tilesAllowed) {
      const ask = h('p', { id: `${el.id || 'map'}-ask` }, t('map.tiles_ask', { host: tileHost(tileUrl) }));
      const yes = h('button', { type: 'button', class: 'btn', 'aria-describedby': ask.id }, t('map.tiles_show'));
      yes.addEventListener('click', () => {
        tilesAllowed = true;
        for (const m of askingMaps) m();
        askingMaps.clear();
        el.focus(); // the button is gone: stay on the map
        toast(t('map.tiles_shown')); // said by screen readers (role=status)
      });
      note.append(ask, yes);
    }
    note.hidden = !note.firstChild;
  }
  if (outside && publicPage && !tilesAllowed) askingMaps.add(syncTiles);
  syncTiles();
  const layer = Leaflet.layerGroup().addTo(map);
  const markers = new Map();

  function setMarkers(items, onOpen) {
    last = [items, onOpen];
    layer.clearLayers();
    markers.clear();
    // before the view moves: no tile is asked for around a confidential place
    const secret = items.filter((it) => it.is_confidential && it.location);
    alone = items.length === 1;
    const drop = outside && dropHidden && !alone; // left off this list's map, by choice
    hidden = secret.length > 0 && !drop;
    hiddenNames = secret.map((it) => it.name).join('、');
    placed = true;
    if (alive) syncTiles();
    const pts = [];
    for (const it of items) {
      if (drop && it.is_confidential) continue;
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
    destroy() { alive = false; askingMaps.delete(syncTiles); ro.disconnect(); map.remove(); note.remove(); },
  };
}

/** The device's position as 'LAT,LON' (5 decimals), for `near=`; rejects when it is refused or unknown. */
export function currentPosition() {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) { reject(new Error('no geolocation')); return; }
    navigator.geolocation.getCurrentPosition(
      (pos) => resolve(`${pos.coords.latitude.toFixed(5)},${pos.coords.longitude.toFixed(5)}`),
      reject, { timeout: 10000, maximumAge: 60000 });
  });
}
