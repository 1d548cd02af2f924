// kharita's map: events, a weekly timeline, the control layer, and the words behind each event.
// Report text is untrusted: every piece of data reaches the page through textContent or an
// attribute set with setAttribute on an element we built; never through innerHTML (nor through
// Leaflet's string tooltips and popups, which use it).
(function () {
  "use strict";

  const TYPE_COLOURS = {
    "Battles": "#d62728",
    "Explosions/Remote violence": "#ff7f0e",
    "Violence against civilians": "#9467bd",
    "Protests": "#2ca02c",
    "Riots": "#8c564b",
    "Strategic developments": "#1f77b4",
  };
  const CERTAINTIES = ["reported", "claimed", "unconfirmed"];
  const CONTROLLER_COLOURS = {
    "Islamic State": "#222222",
    "Military Forces of Syria": "#c0392b",
    "YPG: People's Protection Units": "#f1c40f",
    "SDF: Syrian Democratic Forces": "#e6b800",
    "Military Forces of Turkey": "#8e44ad",
    "Military Forces of Iraq": "#16a085",
  };
  const PALETTE = ["#2e86de", "#10ac84", "#ee5253", "#5f27cd", "#ff9f43", "#01a3a4", "#c8d6e5", "#576574"];
  const PAGE = 5000;            // events per API page
  // what the map, the list and the timeline need; the full record comes when an event is opened
  const LIST_FIELDS = "event_date,event_type,sub_event_type,location,actor1,actor2,certainty";
  const MAX_EVENTS = 20000;     // more than this and the date range is asked of the server instead
  const DAY = 86400000;
  const NO_DATE = "date unknown"; // an event whose report gives no date has event_date null
  const LEGEND_NAME = 60;       // characters of a controller's name shown in the control legend

  const state = {
    events: [],                 // GeoJSON features loaded for the current filters
    truncated: false,
    weeks: [],                  // [{start: Date(ms), count}] for the whole store
    range: null,                // [startMs, endMs) chosen on the timeline
    selected: null,
    config: {},
  };
  window.kharita = state;       // for the browser tests and the curious

  // ---------------------------------------------------------------------------------------
  // small DOM helpers: text only ever goes in as text

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }
  const $ = (id) => document.getElementById(id);
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function setStatus(text) { $("status").textContent = text; }

  async function getJSON(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    const body = await response.json();
    if (!response.ok) throw new Error(body.error || response.statusText);
    return body;
  }

  function isoDay(ms) { return new Date(ms).toISOString().slice(0, 10); }
  function dayMs(iso) { return Date.parse(iso + "T00:00:00Z"); }
  function mondayOf(ms) { const d = new Date(ms); return ms - ((d.getUTCDay() + 6) % 7) * DAY; }

  function controllerColour(name) {
    if (!name) return "#999";
    if (CONTROLLER_COLOURS[name]) return CONTROLLER_COLOURS[name];
    let hash = 0;
    for (const ch of name) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
    return PALETTE[hash % PALETTE.length];
  }

  // ---------------------------------------------------------------------------------------
  // the map and its base layer

  const map = L.map("map", { worldCopyJump: true, minZoom: 3, maxZoom: 18 }).setView([35.5, 40.5], 6);
  map.attributionControl.setPrefix(false);
  const clusters = L.markerClusterGroup({ chunkedLoading: true, maxClusterRadius: 40, spiderfyOnMaxZoom: true });
  clusters.addTo(map);
  window.kharitaMap = map;
  map.createPane("control").style.zIndex = 650;     // above the event clusters, below popups
  const controlLayer = L.layerGroup().addTo(map);

  async function addBaseLayer() {
    if (state.config.tile_url) {
      L.tileLayer(state.config.tile_url, { attribution: state.config.tile_attribution || "" }).addTo(map);
      return;
    }
    const [admin, places] = await Promise.all([
      getJSON("/static/base/admin1.geojson"), getJSON("/static/base/places.geojson"),
    ]);
    L.geoJSON(admin, {
      style: { color: "#8a99a3", weight: 1, fillColor: "#f4f1ea", fillOpacity: 1 },
      interactive: false,
      attribution: "Boundaries and places: " + admin.attribution,
    }).addTo(map);
    const labels = L.layerGroup();
    for (const f of places.features) {
      const big = f.properties.population >= 500000;
      const label = el("span", { class: "place-label" + (big ? " big" : ""), text: f.properties.name });
      const icon = L.divIcon({ html: label, className: "", iconSize: null, iconAnchor: [-4, 8] });
      const marker = L.marker([f.geometry.coordinates[1], f.geometry.coordinates[0]],
        { icon: icon, interactive: false, keyboard: false });
      marker.big = big;
      labels.addLayer(marker);
    }
    function showLabels() {
      const zoom = map.getZoom();
      labels.eachLayer((m) => {
        const visible = m.big || zoom >= 7;
        if (visible && !map.hasLayer(m)) map.addLayer(m);
        if (!visible && map.hasLayer(m)) map.removeLayer(m);
      });
    }
    map.on("zoomend", showLabels);
    showLabels();
  }

  // ---------------------------------------------------------------------------------------
  // filters

  function buildFilters() {
    const types = $("filter-type");
    for (const [name, colour] of Object.entries(TYPE_COLOURS)) {
      const box = el("input", { type: "checkbox", value: name, checked: "checked" });
      box.addEventListener("change", reload);
      types.appendChild(el("label", {}, box, el("span", { class: "swatch", style: "background:" + colour }), name));
    }
    const certainty = $("filter-certainty");
    for (const name of CERTAINTIES) {
      const box = el("input", { type: "checkbox", value: name, checked: "checked" });
      box.addEventListener("change", reload);
      certainty.appendChild(el("label", {}, box, name));
    }
    let timer = null;
    $("filter-actor").addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(reload, 300); });
    $("control-date").addEventListener("change", loadControl);
    $("control-on").addEventListener("change", loadControl);
    $("detail-close").addEventListener("click", closeDetail);
  }

  function checked(id) {
    return Array.from($(id).querySelectorAll("input:checked")).map((b) => b.value);
  }

  function eventQuery(extra) {
    const params = new URLSearchParams({ format: "geojson", limit: String(PAGE), fields: LIST_FIELDS });
    const types = checked("filter-type");
    if (types.length < Object.keys(TYPE_COLOURS).length) params.set("type", types.join(",") || "none");
    const certainty = checked("filter-certainty");
    if (certainty.length < CERTAINTIES.length) params.set("certainty", certainty.join(",") || "none");
    const actor = $("filter-actor").value.trim();
    if (actor) params.set("actor", actor);
    for (const [k, v] of Object.entries(extra || {})) params.set(k, v);
    return params;
  }

  // ---------------------------------------------------------------------------------------
  // events

  let loadToken = 0;
  async function reload() {
    const token = ++loadToken;
    const types = checked("filter-type");
    const certainty = checked("filter-certainty");
    if (!types.length || !certainty.length) {
      state.events = []; state.truncated = false; render(); return;
    }
    const extra = {};
    if (state.truncatedRange && state.range) {
      extra.since = isoDay(state.range[0]);
      extra.until = isoDay(state.range[1] - DAY);
    }
    setStatus("loading events…");
    const fetchStart = performance.now();
    const events = [];
    let cursor = null;
    let truncated = false;
    do {
      const params = eventQuery(extra);
      if (cursor) params.set("cursor", cursor);
      let page;
      try {
        page = await getJSON("/api/events?" + params.toString());
      } catch (err) {
        setStatus("could not load events: " + err.message);
        return;
      }
      if (token !== loadToken) return;
      events.push(...page.features);
      cursor = page.next_cursor;
      if (cursor && events.length >= MAX_EVENTS) { truncated = true; break; }
    } while (cursor);
    state.events = events;
    state.truncated = truncated;
    if (truncated && !extra.since) state.truncatedRange = true;
    const renderStart = performance.now();
    render();
    state.timings = { fetchMs: renderStart - fetchStart, renderMs: performance.now() - renderStart };
  }

  function inRange(feature) {
    if (!state.range) return true;
    // an undated event is on no day: shown while the range is the whole timeline, hidden once narrowed
    if (!feature.properties.event_date) return wholeTimeline();
    const t = dayMs(feature.properties.event_date);
    return t >= state.range[0] && t < state.range[1];
  }

  function wholeTimeline() {
    return !extent || (state.range[0] <= extent[0] && state.range[1] >= extent[1]);
  }

  function visibleEvents() { return state.events.filter(inRange); }

  function render() {
    const shown = visibleEvents();
    clusters.clearLayers();
    const markers = shown.map((f) => {
      const p = f.properties;
      const marker = L.circleMarker([f.geometry.coordinates[1], f.geometry.coordinates[0]], {
        radius: 7, weight: 1.5, color: "#fff", fillColor: TYPE_COLOURS[p.event_type] || "#555", fillOpacity: 0.95,
        className: "event-marker",
      });
      marker.eventId = p.event_id;
      marker.on("add", () => marker.getElement().setAttribute("data-event-id", p.event_id));
      // Leaflet writes a string tooltip with innerHTML: hand it an element built from text instead
      marker.bindTooltip(() => el("span", { text: p.sub_event_type + ": " + p.location + ", " + (p.event_date || NO_DATE) }));
      marker.on("click", () => showDetail(p.event_id));
      return marker;
    });
    state.markers = new Map(markers.map((m) => [m.eventId, m]));
    clusters.addLayers(markers);
    renderList(shown);
    drawTimeline();
    const more = state.truncated ? " (first " + state.events.length + " loaded; narrow the dates or filters)" : "";
    $("count").textContent = "(" + shown.length + ")";
    setStatus(shown.length + " events shown" + more);
    $("status").dataset.shown = String(shown.length);
  }

  // Zoom and open clusters until the event's own marker is on screen.
  function reveal(eventId) {
    const marker = state.markers && state.markers.get(eventId);
    if (!marker) return Promise.resolve(false);
    // markercluster calls back when the zoom or spiderfy animation ends; an animation cut short
    // (a busy page, a second zoom) never calls back, so watch for the marker's icon as well and
    // ask again now and then.
    return new Promise((resolve) => {
      const started = Date.now();
      let lastAsk = started;
      let settled = false;
      const finish = (ok) => { if (!settled) { settled = true; clearInterval(timer); resolve(ok); } };
      const timer = setInterval(() => {
        if (marker._icon && document.body.contains(marker._icon)) finish(true);
        else if (Date.now() - started > 30000) finish(false);
        else if (Date.now() - lastAsk > 5000) {
          lastAsk = Date.now();
          clusters.zoomToShowLayer(marker, () => finish(true));
        }
      }, 250);
      clusters.zoomToShowLayer(marker, () => finish(true));
    });
  }
  state.reveal = reveal;

  function renderList(shown) {
    const list = $("event-list");
    clear(list);
    // newest first, undated last
    const sorted = shown.slice().sort((a, b) =>
      (b.properties.event_date || "").localeCompare(a.properties.event_date || ""));
    for (const f of sorted.slice(0, 500)) {
      const p = f.properties;
      const item = el("li", { "data-event-id": p.event_id },
        el("span", { class: "swatch", style: "background:" + (TYPE_COLOURS[p.event_type] || "#555") }),
        el("span", {},
          el("div", { class: "what", text: p.sub_event_type }),
          el("div", { class: "where", text: (p.event_date || NO_DATE) + " · " + p.location + " · " + p.actor1 })));
      item.addEventListener("click", () => { reveal(p.event_id); showDetail(p.event_id); });
      if (p.event_id === state.selected) item.classList.add("selected");
      list.appendChild(item);
    }
  }

  // ---------------------------------------------------------------------------------------
  // one event: its record, and each source with the evidence words marked

  const RECORD_ROWS = [
    ["Event type", "event_type"], ["Sub-event type", "sub_event_type"], ["Date", "event_date"],
    ["Actor 1", "actor1"], ["Associated", "assoc_actor_1"], ["Actor 2", "actor2"],
    ["Interaction", "interaction"], ["Location", "location"], ["Admin 1", "admin1"], ["Admin 2", "admin2"],
    ["Coordinates", null], ["Geo precision", "geo_precision"], ["Time precision", "time_precision"],
    ["Fatalities", null], ["Certainty", "certainty"], ["Territory", null], ["Sources", "corroboration"],
    ["Tags", "tags"], ["Notes", "notes"], ["Event id", "event_id"],
  ];

  function cell(record, label) {
    if (label === "Coordinates") return record.latitude + ", " + record.longitude;
    if (label === "Fatalities") {
      if (record.fatalities === null || record.fatalities === undefined) return "not stated";
      return record.fatalities + " (low " + record.fatalities_low + ", best " + record.fatalities_best +
        ", high " + record.fatalities_high + ")";
    }
    if (label === "Territory") {
      if (!record.territory_new_controller) return "";
      return record.territory_place + " → " + record.territory_new_controller +
        (record.territory_previous_controller ? " (from " + record.territory_previous_controller + ")" : "");
    }
    return "";
  }

  async function showDetail(eventId) {
    state.selected = eventId;
    for (const li of $("event-list").children) li.classList.toggle("selected", li.dataset.eventId === eventId);
    const body = $("detail-body");
    $("detail").hidden = false;
    clear(body);
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
    body.appendChild(el("h3", { text: record.sub_event_type + " in " + record.location }));
    body.appendChild(el("div", { class: "sub", text: (record.event_date || NO_DATE) + " · " + record.event_type }));
    const table = el("table", { class: "record" });
    for (const [label, key] of RECORD_ROWS) {
      const value = key ? record[key] : cell(record, label);
      if (value === "" || value === null || value === undefined) continue;
      table.appendChild(el("tr", {}, el("th", { text: label }), el("td", { text: String(value) })));
    }
    body.appendChild(table);
    for (const source of record.sources || []) body.appendChild(sourceBlock(source));
    map.invalidateSize();
  }

  function closeDetail() {
    $("detail").hidden = true;
    state.selected = null;
    map.invalidateSize();
  }

  function safeHref(url) {
    try {
      const u = new URL(url);
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
    } catch (err) {
      return null;
    }
  }

  function sourceBlock(source) {
    const block = el("div", { class: "source" });
    const title = source.title || source.outlet || source.document_id;
    const href = source.url ? safeHref(source.url) : null;
    block.appendChild(el("div", { class: "title" },
      href ? el("a", { href: href, target: "_blank", rel: "noopener noreferrer nofollow", text: title })
           : el("strong", { text: title })));
    const meta = [source.outlet, source.published, source.certainty,
      source.external_id ? "id " + source.external_id : null].filter(Boolean).join(" · ");
    block.appendChild(el("div", { class: "meta", text: meta }));
    const fields = el("div", { class: "fields" });
    for (const ev of source.evidence || []) {
      if (ev.field === "sentence") continue;      // the sentence is the text shown below
      fields.appendChild(el("mark", { "data-field": ev.field, title: ev.field, text: ev.field + ": " + ev.text }));
    }
    block.appendChild(fields);
    if (source.text) block.appendChild(highlighted(source.text, source.evidence || []));
    return block;
  }

  // The report's text around its evidence, each span in a <mark>. Offsets count Unicode code
  // points (Python's str), so the text is split into code points, not UTF-16 units.
  function highlighted(text, evidence) {
    const chars = Array.from(text);
    const spans = evidence.filter((e) => e.field !== "sentence" && e.end > e.start)
      .map((e) => ({ start: e.start, end: Math.min(e.end, chars.length), field: e.field }))
      .sort((a, b) => a.start - b.start || b.end - a.end);
    const sentences = evidence.filter((e) => e.field === "sentence");
    const CONTEXT = 240;
    // windows of text to show: each sentence span, else the context around each mark
    let windows = (sentences.length ? sentences : spans).map((s) => [
      Math.max(0, s.start - (sentences.length ? 0 : CONTEXT)), Math.min(chars.length, s.end + (sentences.length ? 0 : CONTEXT)),
    ]);
    for (const s of spans) windows.push([Math.max(0, s.start - 40), Math.min(chars.length, s.end + 40)]);
    if (!windows.length) windows = [[0, Math.min(chars.length, 600)]];
    const space = (i) => i <= 0 || i >= chars.length || /\s/.test(chars[i]);
    windows = windows.map(([a, b]) => {
      for (let k = 0; k < 30 && !space(a - 1); k++) a--;
      for (let k = 0; k < 30 && !space(b); k++) b++;
      return [Math.max(0, a), Math.min(chars.length, b)];
    });
    windows.sort((a, b) => a[0] - b[0]);
    const merged = [];
    for (const w of windows) {
      const last = merged[merged.length - 1];
      if (last && w[0] <= last[1] + 20) last[1] = Math.max(last[1], w[1]);
      else merged.push(w.slice());
    }
    const box = el("div", { class: "text" });
    if (merged[0][0] > 0) box.appendChild(el("span", { class: "gap", text: "… " }));
    merged.forEach((w, i) => {
      let pos = w[0];
      for (const s of spans) {
        if (s.end <= pos || s.start >= w[1]) continue;
        const start = Math.max(s.start, pos);
        if (start > pos) box.appendChild(document.createTextNode(chars.slice(pos, start).join("")));
        const end = Math.min(s.end, w[1]);
        box.appendChild(el("mark", { "data-field": s.field, title: s.field, text: chars.slice(start, end).join("") }));
        pos = end;
      }
      if (pos < w[1]) box.appendChild(document.createTextNode(chars.slice(pos, w[1]).join("")));
      if (i < merged.length - 1 || w[1] < chars.length) box.appendChild(el("span", { class: "gap", text: " … " }));
    });
    return box;
  }

  // ---------------------------------------------------------------------------------------
  // the control layer

  let controlToken = 0;
  async function loadControl() {
    const token = ++controlToken;
    controlLayer.clearLayers();
    const legend = $("control-legend");
    clear(legend);
    const date = $("control-date").value;
    if (!$("control-on").checked || !date) return;
    let body;
    try {
      body = await getJSON("/api/control?date=" + encodeURIComponent(date));
    } catch (err) {
      legend.appendChild(el("div", { text: "control: " + err.message }));
      return;
    }
    if (token !== controlToken) return;
    const seen = new Map();
    const counts = new Map();
    let contested = 0;
    for (const f of body.features || []) {
      const p = f.properties || {};
      const controller = p.controller || null;
      const colour = controllerColour(controller);
      seen.set(controller || "unknown", colour);
      if (p.contested) contested++;
      const mark = el("div", { class: "control-mark" + (p.contested ? " contested" : ""), style: "background-color:" + colour });
      mark.title = (p.place || "place") + ": " + (controller || "unknown") +
        (p.contested ? " (contested)" : "") + (p.since ? " since " + p.since : "");
      // a flag just above and right of the place: never hides, nor catches clicks meant for, the events there
      const icon = L.divIcon({ html: mark, className: "control-icon", iconSize: [14, 14], iconAnchor: [-3, 17] });
      const [lon, lat] = f.geometry.coordinates;
      controlLayer.addLayer(L.marker([lat, lon], { icon: icon, pane: "control", interactive: false, keyboard: false }));
      counts.set(controller || "unknown", (counts.get(controller || "unknown") || 0) + 1);
    }
    for (const [name, colour] of seen) {
      const n = counts.get(name);
      // a name from a report can be any length: clipped here (whole in the tooltip), so that one
      // long name cannot push the event list off the page
      const shownName = Array.from(name).length > LEGEND_NAME ? Array.from(name).slice(0, LEGEND_NAME).join("") + "…" : name;
      legend.appendChild(el("div", { title: name }, el("span", { class: "swatch square", style: "background:" + colour }),
        shownName + " (" + n + (n === 1 ? " place)" : " places)")));
    }
    if (contested) {
      legend.appendChild(el("div", {}, el("span", { class: "control-mark contested", style: "width:11px;height:11px" }),
        contested + " contested"));
    }
    legend.dataset.places = String((body.features || []).length);
    legend.dataset.date = date;
  }

  // ---------------------------------------------------------------------------------------
  // the timeline: events per week, a range to drag

  const canvas = $("timeline-canvas");
  const PAD = 6;
  let extent = null;            // [firstMonday, endMs)

  async function loadWeeks() {
    const stats = await getJSON("/api/stats");
    state.weeks = (stats.by_week || []).map((w) => ({ start: dayMs(w.start), count: w.count }));
    if (!state.weeks.length) { extent = null; return; }
    const first = state.weeks[0].start;
    const last = state.weeks[state.weeks.length - 1].start + 7 * DAY;
    // at least twelve weeks on screen, so that a short corpus can still be narrowed
    const span = Math.max(last - first, 12 * 7 * DAY);
    const lead = mondayOf(first - Math.floor((span - (last - first)) / 2 / (7 * DAY)) * 7 * DAY);
    extent = [lead, lead + Math.ceil(span / (7 * DAY)) * 7 * DAY];
    state.range = extent.slice();
  }

  function xOf(ms) {
    const w = canvas.clientWidth - 2 * PAD;
    return PAD + ((ms - extent[0]) / (extent[1] - extent[0])) * w;
  }
  function msOf(x) {
    const w = canvas.clientWidth - 2 * PAD;
    const ms = extent[0] + ((x - PAD) / w) * (extent[1] - extent[0]);
    return Math.min(extent[1], Math.max(extent[0], ms));
  }
  function snapWeek(ms) { return extent[0] + Math.round((ms - extent[0]) / (7 * DAY)) * 7 * DAY; }

  function drawTimeline() {
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth, height = canvas.clientHeight;
    canvas.width = width * ratio; canvas.height = height * ratio;
    const g = canvas.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    if (!extent) { $("timeline-label").textContent = "no events yet"; return; }
    const axis = height - 16;
    const shownByWeek = new Map();
    for (const f of state.events) {
      if (!f.properties.event_date) continue;          // undated: in no week
      const monday = mondayOf(dayMs(f.properties.event_date));
      shownByWeek.set(monday, (shownByWeek.get(monday) || 0) + 1);
    }
    const max = Math.max(1, ...state.weeks.map((w) => w.count));
    const barWidth = Math.max(1, xOf(extent[0] + 7 * DAY) - xOf(extent[0]) - 1);
    for (const w of state.weeks) {
      const x = xOf(w.start);
      const h = (w.count / max) * (axis - 4);
      g.fillStyle = "#c9d3da";
      g.fillRect(x, axis - h, barWidth, h);
      const mine = shownByWeek.get(w.start) || 0;
      const hm = (mine / max) * (axis - 4);
      g.fillStyle = "#1f5f8b";
      g.fillRect(x, axis - hm, barWidth, hm);
    }
    // range shading
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
    const shown = visibleEvents().length;
    const label = isoDay(a) + " to " + isoDay(b - DAY) + " · " + shown + " events";
    $("timeline-label").textContent = label;
    $("timeline-label").dataset.since = isoDay(a);
    $("timeline-label").dataset.until = isoDay(b - DAY);
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
    if (a !== state.range[0] || b !== state.range[1]) { state.range = [a, b]; render(); }
  });
  function endDrag() {
    if (!drag) return;
    drag = null;
    if (state.truncatedRange) reload();
  }
  // keyboard: arrows move the range by a week, shift+arrows move its end (grow or shrink)
  canvas.addEventListener("keydown", (e) => {
    if (!extent || (e.key !== "ArrowLeft" && e.key !== "ArrowRight")) return;
    e.preventDefault();
    const step = (e.key === "ArrowLeft" ? -1 : 1) * 7 * DAY;
    let [a, b] = state.range;
    if (e.shiftKey) b = Math.min(extent[1], Math.max(a + 7 * DAY, b + step));
    else if (a + step >= extent[0] && b + step <= extent[1]) { a += step; b += step; }
    state.range = [a, b];
    render();
    if (state.truncatedRange) reload();
  });
  canvas.addEventListener("pointerup", endDrag);
  canvas.addEventListener("pointercancel", endDrag);
  window.addEventListener("resize", drawTimeline);

  // ---------------------------------------------------------------------------------------

  async function start() {
    buildFilters();
    try {
      state.config = await getJSON("/api/config");
      await addBaseLayer();
      await loadWeeks();
    } catch (err) {
      setStatus("could not start: " + err.message);
      return;
    }
    // the actor suggestions are a convenience: the map works without them
    getJSON("/api/actors").then((actors) => {
      const list = $("actor-list");
      for (const a of actors.actors || []) list.appendChild(el("option", { value: a.name }));
    }, (err) => console.warn("no actor suggestions: " + err.message));
    await reload();
    if (state.events.length) {
      const bounds = L.latLngBounds(state.events.map((f) => [f.geometry.coordinates[1], f.geometry.coordinates[0]]));
      map.fitBounds(bounds.pad(0.3), { maxZoom: 12 });
    }
    if (!$("control-date").value) {
      // the last day with an event: what the analyst most likely wants to see first
      let last = "";
      for (const f of state.events) {
        const day = f.properties.event_date;            // null when unknown
        if (day && day > last) last = day;
      }
      $("control-date").value = last || (extent ? isoDay(extent[1] - DAY) : isoDay(Date.now()));
    }
    await loadControl();
    state.readyMs = performance.now();     // time to first full render, for bench/map_render.py
    document.body.dataset.ready = "1";
  }

  start();
})();
