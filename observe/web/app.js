// The live view: polls api/state every second and redraws. No framework,
// no network beyond this handler, so it works offline.
"use strict";

const W = 180, H = 118, GAPX = 40, GAPY = 16;

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function pct(x) { return Math.round(100 * x) + "%"; }

function num(x) {
  if (x >= 1e6) return (x / 1e6).toFixed(1) + "M";
  if (x >= 1e4) return (x / 1e3).toFixed(1) + "k";
  if (x >= 100) return Math.round(x).toString();
  return x.toFixed(1);
}

function bar(cls, frac, label) {
  const b = el("div", "bar");
  const f = el("div", cls);
  f.style.width = pct(Math.min(Math.max(frac, 0), 1));
  b.append(f, el("span", "", label));
  return b;
}

// layout places each stage in a column by its longest path from a source,
// and in a row by its order within the column.
function layout(stages) {
  const byName = new Map(stages.map((s) => [s.name, s]));
  const depth = new Map();
  const depthOf = (s, seen) => {
    if (depth.has(s.name)) return depth.get(s.name);
    if (seen.has(s.name)) return 0;
    seen.add(s.name);
    let d = 0;
    for (const i of s.inputs || []) {
      const p = byName.get(i);
      if (p) d = Math.max(d, depthOf(p, seen) + 1);
    }
    depth.set(s.name, d);
    return d;
  };
  const rows = [];
  const pos = new Map();
  for (const s of stages) {
    const d = depthOf(s, new Set());
    rows[d] = (rows[d] || 0);
    pos.set(s.name, { x: d * (W + GAPX), y: rows[d] * (H + GAPY) + 12 });
    rows[d]++;
  }
  const cols = rows.length, maxRows = Math.max(1, ...rows.map((r) => r || 0));
  return { pos, width: cols * (W + GAPX) - GAPX + 4, height: maxRows * (H + GAPY) + 12 };
}

function stageBox(s, p) {
  const box = el("div", "stage" + (s.bottleneck ? " bottleneck" : ""));
  box.dataset.stage = s.name;
  box.dataset.rate = s.rate;
  box.style.left = p.x + "px";
  box.style.top = p.y + "px";
  box.append(el("span", "badge", "bottleneck"), el("span", "workers", "×" + s.workers), el("div", "name", s.name));
  const rate = el("div", "rate", num(s.rate));
  rate.append(el("small", "", " items/s"));
  box.append(rate);
  if (s.buffer > 0) box.append(bar("fill", s.queued / s.buffer, "input " + s.queued + "/" + s.buffer));
  else if ((s.inputs || []).length) box.append(bar("fill", 0, "input unbuffered"));
  box.append(bar("busy", s.busy, "busy " + pct(s.busy)));
  box.append(bar("blocked", s.blockedIn + s.blockedOut, "blocked in " + pct(s.blockedIn) + " · out " + pct(s.blockedOut)));
  box.title = s.in + " in, " + s.out + " out, " + s.errors + " errors";
  return box;
}

function drawPipeline(p) {
  const card = el("div", "pipeline");
  card.dataset.pipeline = p.name;
  card.append(el("h3", "", p.name));
  const g = el("div", "graph");
  const lay = layout(p.stages);
  g.style.height = lay.height + "px";
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("width", lay.width);
  svg.setAttribute("height", lay.height);
  for (const s of p.stages) {
    const to = lay.pos.get(s.name);
    for (const i of s.inputs || []) {
      const from = lay.pos.get(i);
      if (!from) continue;
      const x1 = from.x + W, y1 = from.y + H / 2, x2 = to.x, y2 = to.y + H / 2, mx = (x1 + x2) / 2;
      const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
      path.setAttribute("d", `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`);
      svg.append(path);
    }
  }
  g.append(svg);
  for (const s of p.stages) g.append(stageBox(s, lay.pos.get(s.name)));
  g.style.minWidth = lay.width + "px";
  card.append(g);
  return card;
}

function sparkline(hist) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 60 20");
  svg.setAttribute("preserveAspectRatio", "none");
  const top = Math.max(1, ...hist);
  const pts = hist.map((v, i) => (60 - hist.length + i + 1) + "," + (19 - 15 * v / top).toFixed(2));
  const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
  line.setAttribute("points", pts.join(" "));
  line.setAttribute("vector-effect", "non-scaling-stroke");
  svg.append(line);
  return svg;
}

function drawPool(p) {
  const card = el("div", "pool");
  card.dataset.pool = p.name;
  card.append(el("h3", "", p.name));
  const dl = el("dl");
  const item = (k, v) => { const d = el("div"); d.append(el("dt", "", k), el("dd", "", v)); dl.append(d); };
  item("workers", p.stats.Workers);
  item("running", p.stats.Running);
  item("queued", p.stats.Queued);
  item("waiting", p.stats.Waiting);
  item("tasks/s", num(p.rate));
  item("failed", p.stats.Failed + p.stats.Panicked);
  card.append(dl, sparkline(p.history || []));
  return card;
}

function render(state) {
  const pipes = document.getElementById("pipelines");
  pipes.replaceChildren(...(state.pipelines.length ? state.pipelines.map(drawPipeline) : [el("p", "empty", "No pipeline registered.")]));
  const pools = document.getElementById("pools");
  pools.replaceChildren(...(state.pools.length ? state.pools.map(drawPool) : [el("p", "empty", "No pool registered.")]));
  document.getElementById("status").textContent = "updated " + new Date(state.time).toLocaleTimeString();
}

async function tick() {
  try {
    const r = await fetch("api/state", { cache: "no-store" });
    if (!r.ok) throw new Error(r.status + " " + r.statusText);
    render(await r.json());
  } catch (e) {
    document.getElementById("status").textContent = "disconnected: " + e.message;
  }
  setTimeout(tick, 1000);
}

tick();
