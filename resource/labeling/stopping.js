// The stopping verdict of the last retrain (GET /api/stats "stopping", docs/api.md): a discreet
// banner when the model looks stable, so annotators and owners can decide to stop, and a quiet
// line otherwise. The figures behind the verdict are always shown with it.
import { el, replaceChildren } from "./escape.js";

const NAMES = {
  agreement: "Agreement of successive models (Cohen's kappa)",
  contradiction: "New labels contradicting the model",
  uncertainty: "Mean uncertainty on unlabeled items",
};

function shown(name, value) {
  const number = Number(value);
  return name === "contradiction" ? `${(100 * number).toFixed(0)}%` : number.toFixed(3);
}

function figures(stopping) {
  const known = Object.entries(stopping.figures || {})
    .filter(([, value]) => value !== null && value !== undefined && Number.isFinite(Number(value)));
  if (!known.length) return null;
  return el("ul", { class: "al-stopping-figures", "aria-label": "Stopping figures" },
    known.map(([name, value]) => el("li", { dataset: { figure: name } },
      el("span", { class: "al-stopping-name", text: NAMES[name] || name }),
      el("span", { class: "al-stopping-value", text: shown(name, value) }))));
}

/** Show `stopping` (or nothing when null): the banner when stable, else the quiet line. */
export function renderStopping(banner, line, stopping) {
  const valid = stopping && typeof stopping === "object";
  const stable = valid && stopping.stable === true;
  // The verdict in plain words (what it means for the people labeling); the criteria's own
  // sentence for verdicts stored before plain words existed.
  const sentence = valid ? String(stopping.plain || stopping.sentence || "") : "";
  banner.hidden = !stable;
  line.hidden = !valid || stable;
  const content = () => [el("p", { class: "al-stopping-sentence", text: sentence }), figures(stopping)];
  replaceChildren(banner, stable ? content() : []);
  replaceChildren(line, valid && !stable ? content() : []);
}
