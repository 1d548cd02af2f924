// The words behind the map: an event's record and each source with its evidence marked, and a
// control area's story (who holds it since when, and the events that set it).
// Report text is untrusted: every piece of data reaches the page through textContent or an
// attribute set with setAttribute on an element built here; never through innerHTML.

export const NO_DATE = "date unknown"; // an event whose report gives no date has event_date null

export function el(tag, attrs, ...children) {
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
export function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

export async function getJSON(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

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

// The record of one event and its sources.
export function recordBlock(record) {
  const block = el("div", { class: "event", "data-event-id": record.event_id });
  block.appendChild(el("h3", { text: record.sub_event_type + " in " + record.location }));
  block.appendChild(el("div", { class: "sub", text: (record.event_date || NO_DATE) + " · " + record.event_type }));
  const table = el("table", { class: "record" });
  for (const [label, key] of RECORD_ROWS) {
    const value = key ? record[key] : cell(record, label);
    if (value === "" || value === null || value === undefined) continue;
    table.appendChild(el("tr", {}, el("th", { text: label }), el("td", { text: String(value) })));
  }
  block.appendChild(table);
  for (const source of record.sources || []) block.appendChild(sourceBlock(source));
  return block;
}

function safeHref(url) {
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch (err) {
    return null;
  }
}

export function sourceBlock(source) {
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

