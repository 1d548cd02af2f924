// kharita's map: MapLibre GL JS over an offline base map (Natural Earth countries, Who's On First
// admin boundaries, gazetteer labels), the events as WebGL points (or the server's grid counts when
// a view holds too many), a weekly timeline from the server, and who holds what as areas.
// Report text is untrusted: it reaches the page through textContent only (see detail.js).
import * as maplibregl from "/static/vendor/maplibre/maplibre-gl.mjs";
import { NO_DATE, clear, el, getJSON, recordBlock } from "/static/detail.js";
import { PointsLayer, cellSize } from "/static/points.js";

const TYPE_COLOURS = {
  "Battles": "#d62728",
  "Explosions/Remote violence": "#ff7f0e",
  "Violence against civilians": "#9467bd",
  "Protests": "#2ca02c",
  "Riots": "#8c564b",
  "Strategic developments": "#1f77b4",
};
const TYPES = Object.keys(TYPE_COLOURS);          // the server's type codes index this list
const CERTAINTIES = ["reported", "claimed", "unconfirmed"];
const CONTROLLER_COLOURS = {
  "Islamic State": "#222222",
  "Military Forces of Syria": "#c0392b",
  "YPG: People's Protection Units": "#f1c40f",
  "SDF: Syrian Democratic Forces": "#e6b800",
  "Military Forces of Turkey": "#8e44ad",
  "Military Forces of Iraq": "#16a085",
};
const PALETTE = ["#2e86de", "#10ac84", "#ee5253", "#5f27cd", "#ff9f43", "#01a3a4", "#576574", "#e84393"];
const LIST_FIELDS = "event_date,event_type,sub_event_type,location,actor1,actor2,certainty,latitude,longitude";
const LIST_LIMIT = 200;       // events listed at the side: the newest in view
const DAY = 86400000;
const LEGEND_NAME = 60;       // characters of a controller's name shown in the control legend
const ADMIN2_ZOOM = 6.5;      // districts are drawn from this zoom on (and their 1 MB loaded only then)
const NO_DAY = -2147483648;   // the day of an undated event
const ALL = 0x7fffffff;       // every bit: no type or certainty filter
const ATTRIBUTION = "Countries: Natural Earth (world-atlas) · Boundaries: Who's On First · " +
  "Places: GeoNames, Who's On First";

const state = {
  weeks: [],                  // [{start: ms, all, shown}]
  range: null,                // [startMs, endMs) chosen on the timeline
  mode: null,                 // "points" (every event is on the GPU) or "grid" (server counts)
  columns: null,              // the points: {lon, lat, day, type, certainty}
  cells: null,                // the grid cells: {lon, lat, value (count), type}
  local: false,               // the points hold every type and certainty: those filters run on the GPU
  matched: 0,
  shown: 0,
  selected: null,
  config: {},
};
window.kharita = state;       // for the browser tests, the bench and the curious
const $ = (id) => document.getElementById(id);
// the steps of a first render, in the page's performance timeline (bench/map_render.py prints them)
const mark = (step) => performance.mark("kharita:" + step);
mark("module");
function setStatus(text) { $("status").textContent = text; }
function isoDay(ms) { return new Date(ms).toISOString().slice(0, 10); }
function dayMs(iso) { return Date.parse(iso + "T00:00:00Z"); }

function controllerColour(name) {
  if (!name) return "#999999";
  if (CONTROLLER_COLOURS[name]) return CONTROLLER_COLOURS[name];
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return PALETTE[hash % PALETTE.length];
}

// ---------------------------------------------------------------------------------------------
// the map and its base layers

// the offline base map is a source of the first style (index.html says whether there is one: its
// meta line is left out when a tile server replaces it), so that MapLibre's worker fetches, parses
// and cuts it into tiles while the page is still starting
const OFFLINE_BASE = Boolean(document.querySelector('meta[name="kharita-base"]'));
maplibregl.prewarm();          // MapLibre's worker starts now, before the map's first frame holds the page
const map = new maplibregl.Map({
  container: "map", style: firstStyle(),
  center: [40.5, 35.5], zoom: 5.3, minZoom: 1.5, maxZoom: 15, renderWorldCopies: false,
  attributionControl: { compact: false, customAttribution: ATTRIBUTION },
  fadeDuration: 0,
});
map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
window.kharitaMap = map;
const points = new PointsLayer(TYPES.map((t) => TYPE_COLOURS[t]).concat(["#555555", "#555555"]));
const empty = () => ({ type: "FeatureCollection", features: [] });

function rendered() {
  return new Promise((resolve) => { map.once("idle", resolve); map.triggerRepaint(); });
}

// the hatching of contested areas: 8x8 pixels of black diagonals (x + y = 0 mod 8, 1.5 px wide, 75%
// opaque), computed here: a 2D canvas read back would be the page's one accelerated canvas, set up
// (on SwiftShader, the CPU) only for this
function hatchImage() {
  const size = 8, half = 0.75;
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const s = (x + y + 1) % size;                            // x + y of the pixel's centre, mod 8
      const away = Math.min(s, size - s) / Math.SQRT2;          // its distance to the nearest line
      data[4 * (y * size + x) + 3] = Math.round(255 * 0.75 * Math.max(0, Math.min(1, half + 0.5 - away)));
    }
  }
  return { width: size, height: size, data: data };
}

// WebGL programs are compiled on the CPU with SwiftShader, a few hundred milliseconds each: the base
// map draws with two, fill without its antialiasing outline and plain lines (no dashes: a dashed
// line is a program of its own)
function firstStyle() {
  // the sea is the map element's own background (app.css, #map) under MapLibre's transparent canvas,
  // not a background layer: that layer's program was the first frame's, compiled on the page's main
  // thread before MapLibre's worker had even started to fetch the base map
  const style = { version: 8, sources: {}, layers: [] };
  if (!OFFLINE_BASE) return style;
  // one source for the whole base map (kharita.web.basemap), so that each of its tiles arrives (and
  // is drawn) once: land as one fill (Natural Earth's land, coasts only), the borders between
  // countries as lines drawn once each, and the admin-1 areas; its tiles simplified a little more
  // than MapLibre's default (0.375): a third fewer vertices to cut and draw
  style.sources.base = { type: "geojson", data: new URL("/api/layers/base", location.href).href, tolerance: 0.6 };
  const kind = (k) => ["==", ["get", "kind"], k];
  style.layers.push(
    { id: "land", type: "fill", source: "base", filter: kind("land"), paint: { "fill-color": "#f3f1ec", "fill-antialias": false } },
    { id: "admin1-line", type: "line", source: "base", filter: kind("admin1"), minzoom: 4,
      paint: { "line-color": "#b0a899", "line-width": ["interpolate", ["linear"], ["zoom"], 4, 0.5, 9, 1.3] } },
    { id: "coast-line", type: "line", source: "base", filter: kind("land"),
      paint: { "line-color": "#8d9aa3", "line-width": ["interpolate", ["linear"], ["zoom"], 2, 0.4, 8, 1] } },
    { id: "country-line", type: "line", source: "base", filter: kind("border"),
      paint: { "line-color": "#4f4b45", "line-width": ["interpolate", ["linear"], ["zoom"], 2, 0.8, 8, 2.4] } });
  return style;
}

// what goes over the base map: a tile server's base instead of the offline one, the districts
// when zoomed in, the control areas and the events
function addLayers() {
  if (state.config.tile_url) {
    map.addSource("tiles", { type: "raster", tiles: [state.config.tile_url], tileSize: 256,
      attribution: state.config.tile_attribution || "" });
    map.addLayer({ id: "tiles", type: "raster", source: "tiles" });
  } else if (OFFLINE_BASE) {
    map.on("zoom", addDistricts);
    addDistricts();
  }
  map.addImage("hatch", hatchImage());
  map.addSource("control", { type: "geojson", data: empty() });
  map.addLayer({ id: "control-fill", type: "fill", source: "control",
    paint: { "fill-color": ["get", "colour"], "fill-opacity": 0.3 } });
  map.addLayer({ id: "control-hatch", type: "fill", source: "control", filter: ["get", "contested"],
    paint: { "fill-pattern": "hatch", "fill-opacity": 0.6 } });
  map.addLayer({ id: "control-line", type: "line", source: "control",
    paint: { "line-color": ["get", "colour"], "line-width": 1.2 } });
  map.addLayer(points);
}

// admin-2 districts: their source is added the first time the map is zoomed in far enough to draw them
function addDistricts() {
  if (map.getSource("admin2") || map.getZoom() < ADMIN2_ZOOM) return;
  map.addSource("admin2", { type: "geojson", data: "/static/base/admin2.geojson" });
  map.addLayer({ id: "admin2-line", type: "line", source: "admin2", minzoom: ADMIN2_ZOOM,
    paint: { "line-color": "#cdc8bf", "line-width": 0.6 } }, "admin1-line");
}

// town and village labels: the server picks the biggest place per label-sized cell of the view
const labels = [];
let labelToken = 0;
async function loadLabels() {
  const token = ++labelToken;
  const b = map.getBounds();
  const bbox = [Math.max(-180, b.getWest()), Math.max(-90, b.getSouth()), Math.min(180, b.getEast()),
                Math.min(90, b.getNorth())].map((v) => v.toFixed(4)).join(",");
  const zoom = map.getZoom().toFixed(2);
  const body = await getJSON("/api/layers/places?bbox=" + bbox + "&zoom=" + zoom);
  if (token !== labelToken) return;
  for (const marker of labels.splice(0)) marker.remove();
  for (const [name, lon, lat, rank] of body.places) {
    const label = el("div", { class: "place-label rank-" + rank }, el("span", { class: "dot" }), el("span", { text: name }));
    labels.push(new maplibregl.Marker({ element: label, anchor: "left" }).setLngLat([lon, lat]).addTo(map));
  }
  $("map").dataset.labels = String(labels.length);
  $("map").dataset.labelsAt = zoom;
}

// ---------------------------------------------------------------------------------------------
// filters

function checked(id) { return Array.from($(id).querySelectorAll("input:checked")).map((b) => b.value); }

function buildFilters() {
  for (const [name, colour] of Object.entries(TYPE_COLOURS)) {
    const box = el("input", { type: "checkbox", value: name, checked: "checked", onchange: reload });
    $("filter-type").appendChild(el("label", {}, box, el("span", { class: "swatch", style: "background:" + colour }), name));
  }
  for (const name of CERTAINTIES) {
    const box = el("input", { type: "checkbox", value: name, checked: "checked", onchange: reload });
    $("filter-certainty").appendChild(el("label", {}, box, name));
  }
  let timer = null;
  $("filter-actor").addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(reload, 300); });
  $("control-date").addEventListener("change", () => { state.controlPinned = true; loadControl(); });
  $("control-on").addEventListener("change", loadControl);
  $("detail-close").addEventListener("click", closeDetail);
}

function filterParams() {
  const params = new URLSearchParams();
  const types = checked("filter-type");
  if (types.length < TYPES.length) params.set("type", types.join(","));
  const certainty = checked("filter-certainty");
  if (certainty.length < CERTAINTIES.length) params.set("certainty", certainty.join(","));
  const actor = $("filter-actor").value.trim();
  if (actor) params.set("actor", actor);
  return params;
}
function nothingChosen() { return !checked("filter-type").length || !checked("filter-certainty").length; }
// the ticked types and certainties as bit masks over TYPES and CERTAINTIES (every bit when all are)
function mask(id, names) {
  const on = checked(id);
  if (on.length === names.length) return ALL;
  return on.reduce((bits, name) => bits | (1 << names.indexOf(name)), 0);
}
function actorParams() {
  const params = new URLSearchParams();
  const actor = $("filter-actor").value.trim();
  if (actor) params.set("actor", actor);
  return params;
}

function viewBbox() {
  const b = map.getBounds();
  return [Math.max(-180, b.getWest()), Math.max(-90, b.getSouth()), Math.min(180, b.getEast()),
          Math.min(90, b.getNorth())].map((v) => v.toFixed(5)).join(",");
}
function wholeTimeline() { return !extent || (state.range[0] <= extent[0] && state.range[1] >= extent[1]); }
function rangeParams(params) {
  if (!wholeTimeline()) { params.set("since", isoDay(state.range[0])); params.set("until", isoDay(state.range[1] - DAY)); }
  return params;
}

// ---------------------------------------------------------------------------------------------
// events: every point when the store is small enough, else grid counts for the view

let loadToken = 0;
async function loadEvents() { return showEvents(await requestEvents()); }

async function requestEvents() {
  const token = ++loadToken;
  const fetchStart = performance.now();
  // a store that fits on the GPU comes whole, every type and certainty (those filters then run
  // there); a bigger one is asked per view with every filter and the timeline's dates
  const local = !state.perView;
  const params = local ? actorParams() : filterParams();
  params.set("zoom", map.getZoom().toFixed(2));
  if (state.perView) { params.set("bbox", viewBbox()); rangeParams(params); } else params.set("view", viewBbox());
  if (!local && nothingChosen()) params.set("max_points", "0");
  const response = await fetch("/api/layers/events?" + params);
  if (!response.ok) throw new Error((await response.json()).error || response.statusText);
  const buffer = await response.arrayBuffer();
  return { token, fetchStart, local, params, response, buffer };
}

function showEvents({ token, fetchStart, local, params, response, buffer }) {
  if (token !== loadToken) return false;
  const mode = response.headers.get("X-Kharita-Mode");
  const n = buffer.byteLength / 14;
  const columns = { lon: new Float32Array(buffer, 0, n), lat: new Float32Array(buffer, 4 * n, n),
                    value: new Int32Array(buffer, 8 * n, n), type: new Uint8Array(buffer, 12 * n, n),
                    certainty: new Uint8Array(buffer, 13 * n, n) };
  const renderStart = performance.now();
  if (mode === "grid") state.perView = true;       // from now on: per view, with dates
  state.mode = mode;
  state.local = local && mode === "points";
  state.datesSent = params.has("since");
  state.matched = !state.local && nothingChosen() ? 0 : Number(response.headers.get("X-Kharita-Matched"));
  if (mode === "points") {
    state.columns = { lon: columns.lon, lat: columns.lat, day: columns.value, type: columns.type, certainty: columns.certainty };
    state.cells = null;
    points.setData(!state.local && nothingChosen() ? { lon: [], lat: [], value: [], type: [] } : columns);
  } else {
    state.columns = null;
    state.cells = columns;
    points.setData(columns, true);
  }
  applyKept();
  applyRange();
  state.timings = { fetchMs: renderStart - fetchStart, renderMs: performance.now() - renderStart };
  return true;
}

// the type and certainty filters, on the GPU when the points hold every type and certainty
function applyKept() {
  if (state.local) points.setKept(mask("filter-type", TYPES), mask("filter-certainty", CERTAINTIES));
  else points.setKept(ALL, ALL);
}
function keptTest() {
  const types = mask("filter-type", TYPES), certainties = mask("filter-certainty", CERTAINTIES);
  if (!state.local || (types === ALL && certainties === ALL)) return null;
  const c = state.columns;
  return (i) => ((types >> Math.min(c.type[i], 7)) & 1) === 1 && ((certainties >> Math.min(c.certainty[i], 7)) & 1) === 1;
}

// the weekly counts of the events kept, counted here when the filters run on the GPU
function localWeeks() {
  const c = state.columns, kept = keptTest();
  const shown = new Map();
  for (let i = 0; i < c.day.length; i++) {
    const day = c.day[i];
    if (day === NO_DAY || (kept && !kept(i))) continue;
    const monday = (day - ((day + 3) % 7 + 7) % 7) * DAY;
    shown.set(monday, (shown.get(monday) || 0) + 1);
  }
  for (const w of state.weeks) w.shown = shown.get(w.start) || 0;
}

// the timeline's dates: on the GPU for points, a new request for grid counts
function applyRange() {
  if (state.mode === "points" && !state.datesSent) {
    const whole = wholeTimeline();
    const a = Math.round(state.range ? state.range[0] / DAY : 0), b = Math.round(state.range ? state.range[1] / DAY : 0);
    points.setRange([a, b], whole);
    let shown = 0;
    const day = state.columns.day, kept = keptTest();
    if (nothingChosen()) shown = 0;
    else if (whole && !kept) shown = day.length;
    else for (let i = 0; i < day.length; i++) if ((whole || (day[i] >= a && day[i] < b)) && (!kept || kept(i))) shown++;
    state.shown = shown;
  } else {
    points.setRange([0, 0], true);
    state.shown = state.matched;
  }
  $("status").dataset.shown = String(state.shown);
  $("status").dataset.mode = state.mode || "";
  $("count").textContent = "";
  setStatus(state.shown.toLocaleString("en") + " events shown" +
    (state.mode === "grid" ? " (as counts per cell; zoom in for each event)" : ""));
  drawTimeline();
}

async function rangeChanged() {
  if (state.datesSent || state.mode === "grid") await loadEvents(); else applyRange();
  scheduleList();
}

let filteredActor = "";
// a filter changed: the map and the timeline follow; `state.reloading` is the promise of the latest
function reload() { state.reloading = reloadNow(); return state.reloading; }
async function reloadNow() {
  const actor = $("filter-actor").value.trim();
  if (state.local && actor === filteredActor) {
    // every type and certainty is on the GPU already: new masks, and the weeks counted here
    applyKept();
    localWeeks();
    applyRange();
  } else {
    filteredActor = actor;
    await Promise.all([loadEvents(), loadWeeks()]);
    drawTimeline();
  }
  scheduleList();
}
state.reload = reload;

// the newest events in view, at the side
let listTimer = null;
function scheduleList() { clearTimeout(listTimer); listTimer = setTimeout(loadList, 150); }
let listToken = 0;
async function loadList() {
  const token = ++listToken;
  const list = $("event-list");
  if (nothingChosen()) { clear(list); list.dataset.count = "0"; return; }
  const params = rangeParams(filterParams());
  params.set("bbox", viewBbox()); params.set("limit", String(LIST_LIMIT)); params.set("fields", LIST_FIELDS);
  const body = await getJSON("/api/events?" + params);
  if (token !== listToken) return;
  clear(list);
  for (const e of body.events) {
    const item = el("li", { "data-event-id": e.event_id },
      el("span", { class: "swatch", style: "background:" + (TYPE_COLOURS[e.event_type] || "#555") }),
      el("span", {},
        el("div", { class: "what", text: e.sub_event_type }),
        el("div", { class: "where", text: (e.event_date || NO_DATE) + " · " + e.location + " · " + e.actor1 })));
    item.addEventListener("click", () => showEvent(e.event_id));
    if (e.event_id === state.selected) item.classList.add("selected");
    list.appendChild(item);
  }
  list.dataset.count = String(body.events.length);
}

// ---------------------------------------------------------------------------------------------
// clicks: an event (the nearest point within a few pixels), a grid cell (zoom in), an area

function nearestPoint(at) {
  const c = state.columns;
  if (!c || state.mode !== "points" || nothingChosen()) return null;
  const kept = keptTest();
  const whole = wholeTimeline();
  const a = state.range[0] / DAY, b = state.range[1] / DAY;
  const b0 = map.unproject([at.x - 8, at.y + 8]), b1 = map.unproject([at.x + 8, at.y - 8]);
  let best = null, bestD = Infinity;
  for (let i = 0; i < c.lon.length; i++) {
    if (c.lon[i] < b0.lng || c.lon[i] > b1.lng || c.lat[i] < b0.lat || c.lat[i] > b1.lat) continue;
    if (!whole && !(c.day[i] >= a && c.day[i] < b)) continue;
    if (kept && !kept(i)) continue;
    const p = map.project([c.lon[i], c.lat[i]]);
    const d = (p.x - at.x) ** 2 + (p.y - at.y) ** 2;
    if (d < bestD) { bestD = d; best = i; }
  }
  return best === null ? null : [c.lon[best], c.lat[best]];
}

// the grid cell drawn under a pixel, if any: the nearest centre within its disc
function cellAt(at) {
  const c = state.cells;
  if (!c || state.mode !== "grid") return null;
  let best = null, bestD = Infinity;
  for (let i = 0; i < c.lon.length; i++) {
    const p = map.project([c.lon[i], c.lat[i]]);
    const d = (p.x - at.x) ** 2 + (p.y - at.y) ** 2;
    if (d <= (cellSize(c.value[i]) / 2) ** 2 && d < bestD) { bestD = d; best = i; }
  }
  return best === null ? null : [c.lon[best], c.lat[best]];
}

map.on("click", async (e) => {
  const cell = cellAt(e.point);
  if (cell) { map.easeTo({ center: cell, zoom: map.getZoom() + 2 }); return; }
  const hit = nearestPoint(e.point);
  if (hit) { await showEventsAt(hit); return; }
  const area = map.queryRenderedFeatures(e.point, { layers: ["control-fill"] })[0];
  if (area) showArea(area.properties);
});

// the events at one point of the map (several can share a place): one opens, several are listed
async function showEventsAt([lon, lat]) {
  const eps = 1e-4;
  const params = rangeParams(filterParams());
  params.set("bbox", [lon - eps, lat - eps, lon + eps, lat + eps].map((v) => v.toFixed(5)).join(","));
  params.set("limit", "50"); params.set("fields", LIST_FIELDS);
  const found = (await getJSON("/api/events?" + params)).events;
  if (found.length === 1) return showEvent(found[0].event_id);
  const body = openDetail("events here");
  body.appendChild(el("h3", { text: found.length + " events here" }));
  const list = el("ol", { class: "here" });
  for (const e of found) {
    list.appendChild(el("li", { "data-event-id": e.event_id, onclick: () => showEvent(e.event_id) },
      (e.event_date || NO_DATE) + " · " + e.sub_event_type + " · " + e.actor1));
  }
  body.appendChild(list);
}

function openDetail(what) {
  state.selected = what;
  $("detail").hidden = false;
  const body = $("detail-body");
  clear(body);
  map.resize();
  return body;
}

async function showEvent(eventId) {
  for (const li of $("event-list").children) li.classList.toggle("selected", li.dataset.eventId === eventId);
  const body = openDetail(eventId);
  body.appendChild(el("p", { text: "loading…" }));
  let record;
  try {
    record = (await getJSON("/api/events/" + encodeURIComponent(eventId))).event;
  } catch (err) {
    clear(body);
    body.appendChild(el("p", { text: "could not load the event: " + err.message }));
    return;
  }
  if (state.selected !== eventId) return;
  clear(body);
  body.appendChild(recordBlock(record));
}
state.showEvent = showEvent;
state.eventAt = (x, y) => nearestPoint({ x: x, y: y });   // for the tests: the point drawn there, if any
state.pointsOnGpu = () => points.count;

// A control area's evidence: who holds it since when, why it is contested, and the events that set it.
async function showArea(p) {
  const ids = typeof p.event_ids === "string" ? JSON.parse(p.event_ids) : p.event_ids || [];
  const reasons = typeof p.reasons === "string" ? JSON.parse(p.reasons) : p.reasons || [];
  const key = "area:" + p.place_key;
  const body = openDetail(key);
  body.dataset.area = p.place_key;
  body.appendChild(el("h3", { class: "area-title", text: p.place + ": " + (p.controller || "unknown") }));
  body.appendChild(el("div", { class: "sub", text: (p.contested ? "contested · " : "") + "on " + p.date +
    (p.since ? " · held since " + p.since : "") + (p.previous_controller ? " · from " + p.previous_controller : "") +
    (p.district ? " · share of " + p.district : "") }));
  for (const reason of reasons) body.appendChild(el("div", { class: "reason", text: reason }));
  body.appendChild(el("h4", { text: ids.length === 1 ? "The event that set it" : "The " + ids.length + " events that set it" }));
  const records = await Promise.all(ids.map((id) => getJSON("/api/events/" + encodeURIComponent(id)).then(
    (r) => r.event, () => null)));
  if (state.selected !== key) return;
  for (const record of records) if (record) body.appendChild(recordBlock(record));
}

function closeDetail() {
  $("detail").hidden = true;
  state.selected = null;
  map.resize();
}

// For the tests: bring an event into view at street zoom; its point's position on the page.
state.reveal = async (eventId) => {
  const record = (await getJSON("/api/events/" + encodeURIComponent(eventId))).event;
  map.jumpTo({ center: [record.longitude, record.latitude], zoom: 11 });
  await rendered();
  const p = map.project([record.longitude, record.latitude]);
  const box = map.getCanvas().getBoundingClientRect();
  return [box.left + p.x, box.top + p.y];
};

// ---------------------------------------------------------------------------------------------
// the control layer, as areas, on the timeline's last day (or the date chosen)

let controlToken = 0;
async function loadControl() {
  const token = ++controlToken;
  const legend = $("control-legend");
  const date = $("control-date").value;
  if (!$("control-on").checked || !date) {
    map.getSource("control").setData(empty());
    clear(legend);
    return;
  }
  let body;
  try {
    body = await getJSON("/api/layers/control?date=" + encodeURIComponent(date));
  } catch (err) {
    clear(legend);
    legend.appendChild(el("div", { text: "control: " + err.message }));
    return;
  }
  if (token !== controlToken) return;
  const counts = new Map();
  let contested = 0;
  for (const f of body.features) {
    const name = f.properties.controller || "unknown";
    f.properties.colour = controllerColour(f.properties.controller);
    counts.set(name, (counts.get(name) || 0) + 1);
    if (f.properties.contested) contested++;
  }
  map.getSource("control").setData(body);
  clear(legend);
  for (const [name, n] of counts) {
    // a name from a report can be any length: clipped here (whole in the tooltip)
    const chars = Array.from(name);
    const shownName = chars.length > LEGEND_NAME ? chars.slice(0, LEGEND_NAME).join("") + "…" : name;
    legend.appendChild(el("div", { title: name },
      el("span", { class: "swatch square", style: "background:" + controllerColour(name === "unknown" ? null : name) }),
      shownName + " (" + n + (n === 1 ? " area)" : " areas)")));
  }
  if (contested) legend.appendChild(el("div", {}, el("span", { class: "swatch square hatched" }), contested + " contested"));
  legend.dataset.places = String(body.features.length);
  legend.dataset.date = date;
}

function followTimeline() {
  if (state.controlPinned || !extent) return;
  $("control-date").value = isoDay(Math.min(state.range[1], extent[1]) - DAY);
  loadControl();
}

// ---------------------------------------------------------------------------------------------
// the timeline: events per week from the server, a range to drag

const canvas = $("timeline-canvas");
const PAD = 6;
let extent = null;            // [firstMonday, endMs)

async function loadWeeks() {
  const body = await getJSON("/api/layers/weeks?" + filterParams());
  state.weeks = body.weeks.map(([start, all, shown]) => ({ start: dayMs(start), all: all, shown: shown }));
  weeksReady();
}
function weeksReady() {
  if (extent || !state.weeks.length) return;
  const first = state.weeks[0].start;
  const last = state.weeks[state.weeks.length - 1].start + 7 * DAY;
  // at least twelve weeks on screen, so that a short corpus can still be narrowed
  const span = Math.max(last - first, 12 * 7 * DAY);
  const lead = first - Math.floor((span - (last - first)) / 2 / (7 * DAY)) * 7 * DAY;
  extent = [lead, lead + Math.ceil(span / (7 * DAY)) * 7 * DAY];
  state.range = extent.slice();
}

function xOf(ms) { return PAD + ((ms - extent[0]) / (extent[1] - extent[0])) * (canvas.clientWidth - 2 * PAD); }
function msOf(x) {
  const ms = extent[0] + ((x - PAD) / (canvas.clientWidth - 2 * PAD)) * (extent[1] - extent[0]);
  return Math.min(extent[1], Math.max(extent[0], ms));
}
function snapWeek(ms) { return extent[0] + Math.round((ms - extent[0]) / (7 * DAY)) * 7 * DAY; }

function drawTimeline() {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth, height = canvas.clientHeight;
  canvas.width = width * ratio; canvas.height = height * ratio;
  // drawn by the CPU, not the GPU: a few bars a redraw, and an accelerated canvas is one more
  // surface for the GPU process (on SwiftShader, the same CPU) to set up and composite
  const g = canvas.getContext("2d", { willReadFrequently: true });
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);
  if (!extent) { $("timeline-label").textContent = "no events yet"; return; }
  const axis = height - 16;
  const max = Math.max(1, ...state.weeks.map((w) => w.all));
  const barWidth = Math.max(1, xOf(extent[0] + 7 * DAY) - xOf(extent[0]) - 1);
  for (const w of state.weeks) {
    const x = xOf(w.start);
    g.fillStyle = "#c9d3da";
    g.fillRect(x, axis - (w.all / max) * (axis - 4), barWidth, (w.all / max) * (axis - 4));
    g.fillStyle = "#1f5f8b";
    g.fillRect(x, axis - (w.shown / max) * (axis - 4), barWidth, (w.shown / max) * (axis - 4));
  }
  const [a, b] = state.range;
  g.fillStyle = "rgba(240,244,247,0.75)";
  g.fillRect(PAD, 0, xOf(a) - PAD, axis);
  g.fillRect(xOf(b), 0, width - PAD - xOf(b), axis);
  g.strokeStyle = "#d35400"; g.lineWidth = 2;
  g.strokeRect(xOf(a), 1, xOf(b) - xOf(a), axis - 2);
  g.fillStyle = "#d35400";
  g.fillRect(xOf(a) - 3, axis / 2 - 10, 6, 20);
  g.fillRect(xOf(b) - 3, axis / 2 - 10, 6, 20);
  // axis labels: first of each month (or year, when long)
  g.fillStyle = "#67737c"; g.font = "10px system-ui, sans-serif";
  g.fillRect(PAD, axis, width - 2 * PAD, 1);
  const long = extent[1] - extent[0] > 3 * 365 * DAY;
  const d = new Date(extent[0]);
  let tick = Date.UTC(d.getUTCFullYear(), long ? 0 : d.getUTCMonth(), 1);
  let lastX = -100;
  while (tick < extent[1]) {
    const x = xOf(tick);
    if (x >= PAD && x - lastX > 60) {
      g.fillRect(x, axis, 1, 4);
      g.fillText(isoDay(tick).slice(0, long ? 4 : 7), x + 2, axis + 13);
      lastX = x;
    }
    const t = new Date(tick);
    tick = long ? Date.UTC(t.getUTCFullYear() + 1, 0, 1) : Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 1);
  }
  const label = $("timeline-label");
  label.textContent = isoDay(a) + " to " + isoDay(b - DAY) + " · " + state.shown.toLocaleString("en") + " events";
  label.dataset.since = isoDay(a);
  label.dataset.until = isoDay(b - DAY);
}

function setRange(a, b) {
  if (a === state.range[0] && b === state.range[1]) return false;
  state.range = [a, b];
  if (state.mode === "points" && !state.datesSent) applyRange(); else drawTimeline();
  return true;
}

let drag = null;
canvas.addEventListener("pointerdown", (e) => {
  if (!extent) return;
  const x = e.offsetX;
  const [a, b] = state.range.map(xOf);
  if (Math.abs(x - a) < 8) drag = { kind: "start" };
  else if (Math.abs(x - b) < 8) drag = { kind: "end" };
  else if (x > a && x < b) drag = { kind: "move", from: msOf(x), range: state.range.slice() };
  else drag = { kind: "new", from: snapWeek(msOf(x)) };
  canvas.setPointerCapture(e.pointerId);
});
canvas.addEventListener("pointermove", (e) => {
  if (!drag) {
    if (!extent) return;
    const [a, b] = state.range.map(xOf);
    canvas.style.cursor = Math.abs(e.offsetX - a) < 8 || Math.abs(e.offsetX - b) < 8 ? "ew-resize"
      : e.offsetX > a && e.offsetX < b ? "grab" : "crosshair";
    return;
  }
  const at = msOf(e.offsetX);
  const week = 7 * DAY;
  let [a, b] = state.range;
  if (drag.kind === "start") a = Math.min(snapWeek(at), b - week);
  else if (drag.kind === "end") b = Math.max(snapWeek(at), a + week);
  else if (drag.kind === "new") {
    const here = snapWeek(at);
    a = Math.min(drag.from, here); b = Math.max(drag.from, here);
    if (b - a < week) b = a + week;
  } else {
    const shift = snapWeek(extent[0] + at - drag.from) - extent[0];
    const width = drag.range[1] - drag.range[0];
    a = Math.min(Math.max(extent[0], drag.range[0] + shift), extent[1] - width);
    b = a + width;
  }
  setRange(a, b);
});
async function endDrag() {
  if (!drag) return;
  drag = null;
  await rangeChanged();
  followTimeline();
}
// keyboard: arrows move the range by a week, shift+arrows move its end (grow or shrink)
canvas.addEventListener("keydown", async (e) => {
  if (!extent || (e.key !== "ArrowLeft" && e.key !== "ArrowRight")) return;
  e.preventDefault();
  const step = (e.key === "ArrowLeft" ? -1 : 1) * 7 * DAY;
  let [a, b] = state.range;
  if (e.shiftKey) b = Math.min(extent[1], Math.max(a + 7 * DAY, b + step));
  else if (a + step >= extent[0] && b + step <= extent[1]) { a += step; b += step; }
  setRange(a, b);
  await rangeChanged();
  followTimeline();
});
canvas.addEventListener("pointerup", endDrag);
canvas.addEventListener("pointercancel", endDrag);
window.addEventListener("resize", drawTimeline);

// For the bench and tests: choose dates (ISO days, `until` inclusive) and wait until the map shows them.
state.setRange = async (since, until) => {
  setRange(dayMs(since), dayMs(until) + DAY);
  await rangeChanged();
  followTimeline();
  await rendered();
  return state.shown;
};
state.rendered = rendered;

// ---------------------------------------------------------------------------------------------

let moveTimer = null;
map.on("moveend", () => {
  clearTimeout(moveTimer);
  moveTimer = setTimeout(() => {
    loadLabels();
    scheduleList();
    if (state.perView) loadEvents();
  }, 120);
});

async function start() {
  buildFilters();
  try {
    // every request that does not need another's answer goes at once: the map's libraries, the
    // base map (MapLibre's worker asks for it with the first style), the weeks, the events, the
    // labels and the list of the first view; the control areas as soon as the weeks tell their date
    const config = getJSON("/api/config");
    const weeks = loadWeeks();
    const loaded = new Promise((resolve) => (map.loaded() ? resolve() : map.once("load", resolve)));
    const labelsDone = loadLabels();
    const events = requestEvents();
    const listed = loadList();
    state.config = await config;
    await Promise.all([loaded.then(() => { mark("map-loaded"); addLayers(); mark("layers-added"); }),
                       weeks.then(() => mark("weeks"))]);
    if (!$("control-date").value) {
      // the last week with an event: what the analyst most likely wants to see first
      const last = state.weeks[state.weeks.length - 1];
      $("control-date").value = last ? isoDay(last.start + 6 * DAY) : isoDay(Date.now());
    }
    const control = loadControl();
    const answer = await events;
    mark("events-fetched");
    showEvents(answer);
    mark("events-shown");
    await Promise.all([labelsDone.then(() => mark("labels")), listed.then(() => mark("list")),
                       control.then(() => mark("control")), rendered().then(() => mark("idle"))]);
  } catch (err) {
    setStatus("could not start: " + err.message);
    throw err;
  }
  state.readyMs = performance.now();     // time to first full render, for bench/map_render.py
  document.body.dataset.ready = "1";
  // the actor suggestions are a convenience: the map works without them
  getJSON("/api/actors").then((actors) => {
    const list = $("actor-list");
    for (const a of actors.actors || []) list.appendChild(el("option", { value: a.name }));
  }, (err) => console.warn("no actor suggestions: " + err.message));
}

start();
