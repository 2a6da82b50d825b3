// The rounds, as a picture: one point per retrain of the model (GET /api/stats "stopping".history,
// docs/api.md), drawn as an inline SVG in the side panel. Two lines from 0 to 100%: how much of a
// fixed sample of items the model predicts as its previous version did (has it stopped
// changing?), and how many of the labels given since that version agreed with it (annotators
// checking the model). The current round's live agreement (stats "model_agreement") is the last,
// hollow point. The labels count of each round is under its number. Everything is text or
// attributes: nothing from the server is parsed as markup.
import { el, replaceChildren } from "./escape.js";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 260;
const HEIGHT = 132;
const PAD = { left: 36, right: 12, top: 8, bottom: 30 };
const LINES = [
  { key: "same", name: "Same predictions as the previous version", cls: "al-rounds-same" },
  { key: "agreed", name: "Annotators agreed with the model", cls: "al-rounds-agreed" },
];

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  for (const child of children) if (child) node.appendChild(child);
  return node;
}

function text(x, y, content, attrs = {}) {
  const node = svg("text", { x, y, ...attrs });
  node.textContent = content;
  return node;
}

function percent(value) { return `${Math.round(100 * Number(value))}%`; }

function share(value) {
  const number = Number(value);
  return value !== null && value !== undefined && Number.isFinite(number) ? Math.min(1, Math.max(0, number)) : null;
}

/**
 * Draw the rounds in `container` (hidden while there is no round yet).
 * @param {HTMLElement} container
 * @param {Array<{retrain: number, labels: ?number, same: ?number, new_labels: number, agreed: ?number}>} history
 * @param {{checked: number, agreed: number, rate: ?number}} [live] this round's agreement so far
 */
export function renderRounds(container, history, live) {
  const points = (Array.isArray(history) ? history : []).filter((p) => p && Number.isFinite(Number(p.retrain)));
  container.hidden = !points.length;
  if (!points.length) { replaceChildren(container); return; }
  const liveRate = live && Number(live.checked) > 0 ? share(live.rate) : null;
  const slots = points.length + (liveRate === null ? 0 : 1);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const inset = 12;   // the first round clear of the percentages' column
  const x = (i) => PAD.left + inset + (slots === 1 ? (plotW - inset) / 2 : (i * (plotW - inset)) / (slots - 1));
  const y = (v) => PAD.top + (1 - v) * plotH;
  const chart = svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: WIDTH, height: HEIGHT, role: "img",
    class: "al-rounds-chart" });
  const last = points[points.length - 1];
  const label = `${points.length} round(s) of the model. Last round ${last.retrain}: ` +
    `${last.labels ?? "?"} labels` +
    (share(last.same) === null ? "" : `, ${percent(last.same)} same predictions as the previous version`) +
    (share(last.agreed) === null ? "" : `, annotators agreed with it on ${percent(last.agreed)} of ${last.new_labels} new labels`) +
    (liveRate === null ? "" : `. This round so far: annotators agreed with the model on ${percent(liveRate)}`);
  chart.setAttribute("aria-label", label);
  for (const v of [0, 0.5, 1]) {
    chart.appendChild(svg("line", { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(v), y2: y(v), class: "al-rounds-grid" }));
    chart.appendChild(text(PAD.left - 4, y(v) + 4, percent(v), { "text-anchor": "end", class: "al-rounds-axis" }));
  }
  points.forEach((p, i) => {
    chart.appendChild(text(x(i), HEIGHT - PAD.bottom + 12, String(p.retrain), { "text-anchor": "middle", class: "al-rounds-axis" }));
    if (p.labels !== null && p.labels !== undefined) {
      chart.appendChild(text(x(i), HEIGHT - PAD.bottom + 24, String(p.labels), { "text-anchor": "middle", class: "al-rounds-labels" }));
    }
  });
  if (liveRate !== null) {
    chart.appendChild(text(x(points.length), HEIGHT - PAD.bottom + 12, "now", { "text-anchor": "middle", class: "al-rounds-axis" }));
  }
  for (const line of LINES) {
    const known = points.map((p, i) => [i, share(p[line.key])]).filter(([, v]) => v !== null);
    if (line.key === "agreed" && liveRate !== null) known.push([points.length, liveRate]);
    if (known.length > 1) {
      chart.appendChild(svg("polyline", { points: known.map(([i, v]) => `${x(i)},${y(v)}`).join(" "),
        class: `al-rounds-line ${line.cls}` }));
    }
    for (const [i, v] of known) {
      const isLive = line.key === "agreed" && i === points.length;
      const dot = svg("circle", { cx: x(i), cy: y(v), r: 3.5, class: `al-rounds-dot ${line.cls}${isLive ? " al-rounds-live" : ""}` });
      const tip = svg("title");
      tip.textContent = `${isLive ? "This round so far" : `Round ${points[i].retrain}`}: ${line.name.toLowerCase()}, ${percent(v)}`;
      dot.appendChild(tip);
      chart.appendChild(dot);
    }
  }
  replaceChildren(container,
    el("h2", { class: "al-side-title", text: "Rounds" }),
    chart,
    el("ul", { class: "al-rounds-legend" },
      LINES.map((line) => el("li", { class: line.cls }, el("span", { class: "al-rounds-swatch", "aria-hidden": "true" }),
        line.name))),
    el("p", { class: "al-muted al-rounds-note", text: "Under each round: the labels the model learned from." }));
}
