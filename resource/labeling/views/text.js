// Texts: one column's text, large and readable, with the chosen context columns small above it.
// Line breaks and spaces are kept, each paragraph runs in its own script's direction (dir=auto),
// and a long text is folded behind a visible "more" (Space) or scrolled (arrows, Page Up/Down).
// The card is built ahead of time (prepare) so that showing the next text is a single DOM swap.
import { asText, el, replaceChildren } from "../escape.js";

export const TITLE = "Label texts";
export const LOAD_SLOTS = 8;   // nothing to download: items are prepared as fast as they come
/** Keys this view handles (KeyboardEvent.key, lower-cased) -> command, over the page's own. */
export const KEYS = { " ": "more", arrowdown: "scrollDown", arrowup: "scrollUp", pagedown: "pageDown",
  pageup: "pageUp" };
export const REPEATABLE = ["scrollDown", "scrollUp", "pageDown", "pageUp"];

const FOLD_CHARS = 1500;   // longer texts (or with more lines) start folded behind "more": at 1280×800
const FOLD_LINES = 24;     // about 1,000 characters fit above it
const LINE_STEP = 48;      // pixels an arrow key scrolls

function isEmpty(value) {
  return value === null || value === undefined || value === "";
}

function lineCount(text) {
  let lines = 1;
  for (let i = text.indexOf("\n"); i !== -1 && lines <= FOLD_LINES; i = text.indexOf("\n", i + 1)) lines += 1;
  return lines;
}

function contextList(data, names) {
  if (!names.length) return null;
  return el("dl", { class: "al-text-context", "aria-label": "Context" }, names.map((name) => {
    const value = data[name];
    const shown = isEmpty(value)
      ? el("span", { class: "al-empty", text: "empty", title: "No value in this row" })
      : asText(value);
    return el("div", { class: "al-text-context-item" },
      el("dt", { text: name }),
      el("dd", { dir: "auto", title: isEmpty(value) ? null : asText(value) }, shown));
  }));
}

function buildCard(item, config) {
  const data = item.data || {};
  const column = config.text_column;
  const value = data[column];
  const text = isEmpty(value) ? "" : asText(value);
  const long = text.length > FOLD_CHARS || lineCount(text) > FOLD_LINES;
  const body = text
    ? el("div", { class: long ? "al-text-body al-folded" : "al-text-body", dir: "auto", text })
    : el("p", { class: "al-empty al-text-empty", text: "Empty text", title: `No value in ${column}` });
  let more = null;
  if (long) {
    const label = `more: all ${text.length.toLocaleString("en")} characters (Space)`;
    more = el("button", { type: "button", class: "al-more al-text-more", "aria-expanded": "false",
      text: label, title: "Show the whole text (Space)", dataset: { more: label } });
  }
  const caption = el("div", { class: "al-text-caption" },
    el("span", { class: "al-text-column", text: column }),
    text ? el("span", { class: "al-muted", text: `${text.length.toLocaleString("en")} characters` }) : null);
  const context = (config.columns || []).filter((name) => name !== column);
  const card = el("article", { class: "al-text-card", "aria-label": "Text to label" },
    contextList(data, context), caption, body, more);
  return { card, body, more };
}

function toggle(parts, holder) {
  if (!parts || !parts.more) return false;
  const folded = parts.body.classList.toggle("al-folded");
  parts.more.setAttribute("aria-expanded", folded ? "false" : "true");
  parts.more.textContent = folded ? parts.more.dataset.more : "less (Space)";
  if (folded) holder.scrollTop = 0;
  return true;
}

export function createView(stage, ctx) {
  const holder = el("div", { class: "al-text-view", tabindex: "-1" });
  replaceChildren(stage, holder);
  let shown = null;
  return {
    prepare(item) {
      return Promise.resolve(buildCard(item, ctx.config));
    },
    show(item, prepared) {
      // A card already on screen (going back to it) is built again: a node can't be in two places.
      const parts = prepared && prepared.card && !prepared.card.isConnected ? prepared : buildCard(item, ctx.config);
      if (parts.more) {
        // Blurred at once: a focused button would also take the next Space as a click.
        parts.more.onclick = () => { toggle(parts, holder); parts.more.blur(); };
      }
      replaceChildren(holder, parts.card);
      holder.scrollTop = 0;
      shown = parts;
    },
    command(name) {
      if (name === "more") return toggle(shown, holder);
      const page = Math.max(LINE_STEP, holder.clientHeight * 0.9);
      const steps = { scrollDown: LINE_STEP, scrollUp: -LINE_STEP, pageDown: page, pageUp: -page };
      if (!(name in steps)) return false;
      holder.scrollTop += steps[name];
      return true;
    },
    dispose() {},
  };
}
