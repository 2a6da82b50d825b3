// Progress: labeled, skipped, remaining, per category; the annotator's own counts.
import { el, replaceChildren } from "./escape.js";

function number(n) { return Number.isFinite(Number(n)) ? Number(n).toLocaleString("en-US") : "–"; }

/** Render the stats panel (`stats` as GET /api/stats answers it). */
export function renderStats(container, stats, categories) {
  if (!stats) { replaceChildren(container, el("p", { class: "al-muted", text: "Loading progress…" })); return; }
  const total = Number(stats.total) || 0;
  const done = (Number(stats.labeled) || 0) + (Number(stats.skipped) || 0);
  const percent = total ? Math.min(100, (100 * done) / total) : 0;
  const me = stats.annotator || {};
  const perCategory = stats.per_category || {};
  const maxCount = Math.max(1, ...categories.map((c) => Number(perCategory[c.name]) || 0));
  replaceChildren(container,
    el("div", { class: "al-progress", role: "progressbar", "aria-label": "Items decided",
      "aria-valuemin": "0", "aria-valuemax": String(total), "aria-valuenow": String(done) },
    el("div", { class: "al-progress-bar", style: { width: `${percent.toFixed(1)}%` } })),
    el("dl", { class: "al-counts" },
      el("div", { class: "al-count", dataset: { stat: "labeled" } }, el("dt", { text: "Labeled" }),
        el("dd", { text: number(stats.labeled) })),
      el("div", { class: "al-count", dataset: { stat: "skipped" } }, el("dt", { text: "Skipped" }),
        el("dd", { text: number(stats.skipped) })),
      el("div", { class: "al-count", dataset: { stat: "remaining" } }, el("dt", { text: "Remaining" }),
        el("dd", { text: number(stats.remaining) }))),
    el("ul", { class: "al-per-category", "aria-label": "Labels per category" },
      categories.map((c) => {
        const count = Number(perCategory[c.name]) || 0;
        return el("li", { dataset: { category: c.name } },
          el("span", { class: "al-cat-name", text: c.name }),
          el("span", { class: "al-cat-bar", "aria-hidden": "true" },
            el("span", { style: { width: `${((100 * count) / maxCount).toFixed(1)}%` } })),
          el("span", { class: "al-cat-count", text: number(count) }));
      })),
    el("p", { class: "al-mine" },
      `You${me.name ? ` (${me.name})` : ""}: ${number(me.labeled || 0)} labeled, ${number(me.skipped || 0)} skipped`),
    agreementLine(stats.model_agreement),
    teamLine(stats.team));
}

// The team panel comes with GET /api/stats only: kept between those calls.
let lastTeam = null;

function figure(value) { return value === null || value === undefined ? "n/a" : Number(value).toFixed(2); }

/** With several annotators per item (or reviews): agreement and final labels (issue 15). */
function teamLine(team) {
  if (team) lastTeam = team;
  const t = lastTeam;
  if (!t || (Number(t.annotators_per_item) <= 1 && !(t.final && t.final.reviewed))) return null;
  const mine = (t.annotators || [])[0];
  const f = t.final || {};
  return el("p", { class: "al-team-line", dataset: { role: "team-line" } },
    `Team (${number(t.annotators_per_item)} per item): Krippendorff's alpha ${figure(t.alpha)}, `
    + `Cohen's kappa ${figure(t.kappa)}; final labels ${number(f.agreed)} agreed, ${number(f.majority)} `
    + `majority, ${number(f.reviewed)} reviewed, ${number(f.pending)} pending`
    + (mine && t.annotators.length === 1 ? `; you agree ${figure(mine.agreement)} with the others` : ""));
}

/**
 * How often the annotators took the model's suggestion this round: a live accuracy of the model,
 * checked by people, on the items it chose. Nothing before the first label with a suggestion.
 */
function agreementLine(agreement) {
  const checked = agreement ? Number(agreement.checked) || 0 : 0;
  if (!checked) return null;
  const agreed = Number(agreement.agreed) || 0;
  return el("p", { class: "al-model-agreement", dataset: { checked: String(checked), agreed: String(agreed) } },
    `This round, annotators agreed with the model on ${number(agreed)} of ${number(checked)} items ` +
    `(${Math.round((100 * agreed) / checked)}%)`);
}
