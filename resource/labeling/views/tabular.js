// Tabular rows: the chosen columns as a card. Long text wraps with "more", numbers are
// right-aligned, empty values are visible. The card is built ahead of time (prepare) so that
// showing the next row is a single DOM swap.
import { asText, el, replaceChildren } from "../escape.js";

export const TITLE = "Label rows";
export const LOAD_SLOTS = 8;   // nothing to download: rows are prepared as fast as they come

const LONG_TEXT = 280;   // characters before a value is clamped behind "more"
const LONG_LINES = 5;

function isEmpty(value) {
  return value === null || value === undefined || value === "" ||
    (typeof value === "number" && Number.isNaN(value));
}

function isNumeric(value) {
  if (typeof value === "number") return Number.isFinite(value);
  return typeof value === "string" && value.trim() !== "" && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value.trim());
}

function valueCell(value) {
  if (isEmpty(value)) return el("span", { class: "al-empty", text: "empty", title: "No value in this row" });
  if (typeof value === "boolean") return el("span", { class: "al-bool", text: value ? "true" : "false" });
  if (isNumeric(value)) return el("span", { class: "al-number", text: asText(value) });
  const text = asText(value);
  if (text.length <= LONG_TEXT && text.split("\n").length <= LONG_LINES) {
    return el("span", { class: "al-text", text });
  }
  const body = el("span", { class: "al-text al-clamped", text });
  const more = el("button", { type: "button", class: "al-more", "aria-expanded": "false", text: "more",
    title: "Show the whole text" });
  more.addEventListener("click", () => {
    const open = body.classList.toggle("al-clamped");
    more.textContent = open ? "more" : "less";
    more.setAttribute("aria-expanded", open ? "false" : "true");
  });
  return el("span", { class: "al-long" }, body, more);
}

function buildCard(item, columns) {
  const data = item.data || {};
  const names = columns && columns.length ? columns : Object.keys(data);
  const rows = names.map((name) => {
    const value = data[name];
    const numeric = !isEmpty(value) && isNumeric(value);
    return el("tr", { class: numeric ? "al-row al-row-number" : "al-row" },
      el("th", { scope: "row", class: "al-col", text: name }),
      el("td", { class: "al-val" }, valueCell(value)));
  });
  return el("table", { class: "al-card", "aria-label": "Row to label" }, el("tbody", {}, rows));
}

export function createView(stage, ctx) {
  const holder = el("div", { class: "al-tabular" });
  replaceChildren(stage, holder);
  return {
    prepare(item) {
      return Promise.resolve({ card: buildCard(item, ctx.config.columns) });
    },
    show(item, prepared) {
      const card = prepared && prepared.card && !prepared.card.isConnected
        ? prepared.card : buildCard(item, ctx.config.columns);
      replaceChildren(holder, card);
      holder.scrollTop = 0;
    },
    command() { return false; },
    dispose() {},
  };
}
