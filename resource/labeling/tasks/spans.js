// The "spans" task: spans of a text marked with a category (named entities).
// The text is split into tokens by the rule of active_labeling/tasks/tokens.py (words of Unicode
// letters, marks and digits; each other character alone, with the marks, skin tones and joined
// characters drawn with it); a selection always covers whole tokens.
//
// Keys: ← / → move the cursor a token (in reading order: in a right-to-left text ← goes on),
// Shift+← / Shift+→ extend the selection, a category key marks the selection (or the token under
// the cursor) with that category, Backspace removes the span under the cursor (with none there it
// goes back to the previous text), Esc drops the selection, Enter confirms the text: its spans, or
// none for "nothing to mark". Mouse: drag over tokens or double-click one to select, then a
// category key or button. Spans of a model (the queries' pre-annotations) are drawn dashed until
// touched; Enter accepts them as they are.
//
// Offsets are code points of the text (Python string indices), not JavaScript's UTF-16 units: the
// text is handled as an array of code points throughout.
import { el } from "../escape.js";

export const NAME = "spans";
export const TITLE = { text: "Mark spans in texts" };

const DRAFTS = 50;   // texts marked but left unconfirmed, kept for going back to them
// Tints legible under dark text on a light page, each with a strong edge colour that also carries
// white text (contrast ≥ 4.5:1) for the category's name written after each span.
const COLORS = [["#fde2e4", "#b4234f"], ["#dbeafe", "#1d4ed8"], ["#dcfce7", "#15803d"], ["#fef3c7", "#a14a07"],
  ["#ede9fe", "#6d28d9"], ["#cffafe", "#0e7490"], ["#fce7f3", "#a21caf"], ["#ecfccb", "#4d7c0f"],
  ["#e5e7eb", "#374151"], ["#ffedd5", "#c2410c"]];

const SPACE_CONTROLS = /[\t\n\v\f\r\x1c-\x1f\x85]/;
const SEPARATOR_OR_FORMAT = /[\p{Z}\p{Cf}]/u;
const WORD = /[\p{L}\p{M}\p{N}]/u;
const MARK = /\p{M}/u;
const JOINERS = new Set(["\u200c", "\u200d"]);
const RTL_LETTER = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]/u;
const LETTER = /\p{L}/u;

function charClass(c) {
  if (SPACE_CONTROLS.test(c) || SEPARATOR_OR_FORMAT.test(c)) return "space";
  return WORD.test(c) ? "word" : "other";
}

const isSkinTone = (c) => c >= "\u{1f3fb}" && c <= "\u{1f3ff}";
const isRegional = (c) => c >= "\u{1f1e6}" && c <= "\u{1f1ff}";

/** Tokens of `chars` (an array of code points) as [start, end] code point indices. */
export function tokenize(chars) {
  const tokens = [];
  const n = chars.length;
  let i = 0;
  while (i < n) {
    const kind = charClass(chars[i]);
    if (kind === "space") { i += 1; continue; }
    const start = i;
    i += 1;
    if (kind === "word") {
      while (i < n) {
        if (charClass(chars[i]) === "word") i += 1;
        else if (JOINERS.has(chars[i]) && i + 1 < n && charClass(chars[i + 1]) === "word") i += 2;
        else break;
      }
    } else {
      if (isRegional(chars[start]) && i < n && isRegional(chars[i])) i += 1;
      while (i < n) {
        if (MARK.test(chars[i]) || isSkinTone(chars[i])) i += 1;
        else if (chars[i] === "\u200d" && i + 1 < n) i += 2;
        else break;
      }
    }
    tokens.push([start, i]);
  }
  return tokens;
}

/** "rtl" when the text's first letter is of a right-to-left script, else "ltr". */
function direction(chars) {
  const first = chars.find((c) => LETTER.test(c));
  return first && RTL_LETTER.test(first) ? "rtl" : "ltr";
}

let stylesheetLoaded = false;
function loadStylesheet() {
  if (stylesheetLoaded) return;
  stylesheetLoaded = true;
  document.head.appendChild(el("link", { rel: "stylesheet", href: new URL("./spans.css", import.meta.url).href }));
}

/** The task's part of the page for `app` (a LabelingApp of main.js). */
export function createTask(app) {
  loadStylesheet();
  const overlapping = Boolean(app.config && app.config.overlapping_spans);
  const colorOf = new Map(app.categories.map((c, i) => [c.name, COLORS[i % COLORS.length]]));
  let item = null;
  let entry = null;
  let chars = [];            // the text's code points
  let tokens = [];           // [start, end] code point indices
  let spans = [];            // {start, end, category, suggested, confidence}
  let cursor = 0;            // token index
  let anchor = null;         // the other end of the selection (token index), or null
  let tokenNodes = [];
  let gapNodes = [];         // the spaces before each token (null before the first or when none)
  let body = null;           // the text view's body the tokens are drawn in
  let rtl = false;
  let dragging = false;
  const drafts = new Map();  // new item's id -> its unconfirmed spans

  const textOf = (span) => chars.slice(span.start, span.end).join("");
  const sorted = () => spans.sort((a, b) => a.start - b.start || a.end - b.end);

  function selection() {
    if (!tokens.length) return null;
    const a = anchor === null ? cursor : anchor;
    const first = Math.min(a, cursor);
    const last = Math.max(a, cursor);
    return { first, last, start: tokens[first][0], end: tokens[last][1] };
  }

  function spanAtCursor() {
    if (!tokens.length) return -1;
    const [s, e] = tokens[cursor];
    // The innermost (shortest) span holding the cursor's token.
    let found = -1;
    spans.forEach((span, i) => {
      if (span.start < e && s < span.end && (found < 0 || span.end - span.start < spans[found].end - spans[found].start)) {
        found = i;
      }
    });
    return found;
  }

  // -------------------------------------------------------------- drawing
  function build(text) {
    chars = Array.from(text);
    tokens = tokenize(chars);
    rtl = direction(chars) === "rtl";
    tokenNodes = [];
    gapNodes = [];
    if (!body) return;
    body.setAttribute("dir", rtl ? "rtl" : "ltr");
    body.classList.add("al-spans-text");
    body.classList.remove("al-spans-overlap");
    if (overlapping) body.classList.add("al-spans-overlap");
    const parts = [];
    let at = 0;
    tokens.forEach(([s, e], i) => {
      let gap = null;
      if (s > at) {
        gap = el("span", { class: "al-gap" });
        gap.textContent = chars.slice(at, s).join("");
        parts.push(gap);
      }
      gapNodes.push(gap);
      const node = el("span", { class: "al-tok", dataset: { i: String(i) } });
      node.textContent = chars.slice(s, e).join("");
      tokenNodes.push(node);
      parts.push(node);
      at = e;
    });
    if (at < chars.length) parts.push(document.createTextNode(chars.slice(at).join("")));
    body.replaceChildren(...parts);
    body.dataset.tokens = String(tokens.length);
  }

  function paint() {
    if (!body || !body.isConnected) return;
    for (const badge of body.querySelectorAll(".al-span-name")) badge.remove();
    const sel = anchor === null ? null : selection();
    for (const gap of gapNodes) {
      if (gap) { gap.className = "al-gap"; gap.style.removeProperty("--al-span-bg"); }
    }
    tokenNodes.forEach((node, i) => {
      node.className = "al-tok";
      node.style.removeProperty("--al-span-bg");
      node.style.removeProperty("--al-span-edge");
      node.removeAttribute("title");
      if (sel && i >= sel.first && i <= sel.last) node.classList.add("al-tok-selected");
      if (i === cursor) node.classList.add("al-tok-cursor");
    });
    sorted().forEach((span) => {
      const covered = [];
      tokens.forEach(([s, e], i) => { if (s < span.end && span.start < e) covered.push(i); });
      if (!covered.length) return;
      const [bg, edge] = colorOf.get(span.category) || COLORS[8];
      covered.forEach((i, k) => {
        const node = tokenNodes[i];
        if (node.classList.contains("al-tok-span")) node.classList.add("al-tok-multi");
        node.classList.add("al-tok-span");
        if (span.suggested) node.classList.add("al-tok-suggested");
        if (k === 0) node.classList.add("al-tok-first");
        if (k === covered.length - 1) node.classList.add("al-tok-last");
        node.style.setProperty("--al-span-bg", bg);
        node.style.setProperty("--al-span-edge", edge);
        node.title = (node.title ? `${node.title}, ` : "") + span.category;
        const gap = k > 0 ? gapNodes[i] : null;   // the space between two words of the span
        if (gap && !span.suggested) { gap.classList.add("al-gap-span"); gap.style.setProperty("--al-span-bg", bg); }
      });
      const name = span.suggested && span.confidence !== null
        ? `${span.category} ${span.confidence.toFixed(2)}?` : span.suggested ? `${span.category}?` : span.category;
      const badge = el("span", { class: `al-span-name${span.suggested ? " al-span-name-suggested" : ""}`,
        text: name, "aria-label": `${span.suggested ? "suggested " : ""}${span.category}: ${textOf(span)}`,
        dataset: { start: String(span.start), end: String(span.end), category: span.category } });
      badge.style.setProperty("--al-span-edge", edge);
      tokenNodes[covered[covered.length - 1]].after(badge);
    });
    body.dataset.spans = String(spans.length);
    body.dataset.cursor = String(cursor);
    const node = tokenNodes[cursor];
    if (node && node.scrollIntoView && !dragging) node.scrollIntoView({ block: "nearest" });
    app.renderSelection();
  }

  // -------------------------------------------------------------- marking
  function mark(category) {
    const sel = selection();
    if (!sel) { app.flash("This text has nothing to mark: press Enter to confirm it."); return; }
    const same = spans.findIndex((s) => s.start === sel.start && s.end === sel.end);
    if (same >= 0) {
      Object.assign(spans[same], { category, suggested: false, confidence: null });
    } else {
      if (!overlapping) spans = spans.filter((s) => !(s.start < sel.end && sel.start < s.end));
      spans.push({ start: sel.start, end: sel.end, category, suggested: false, confidence: null });
    }
    anchor = null;
    paint();
  }

  function move(step, extend) {
    if (!tokens.length) return;
    if (extend && anchor === null) anchor = cursor;
    if (!extend) anchor = null;
    cursor = Math.min(tokens.length - 1, Math.max(0, cursor + step));
    paint();
  }

  function tokenIndex(target) {
    const node = target && target.closest ? target.closest(".al-tok") : null;
    return node && body && body.contains(node) ? Number(node.dataset.i) : null;
  }

  function attachMouse() {
    body.addEventListener("pointerdown", (event) => {
      const i = tokenIndex(event.target);
      if (i === null || event.button !== 0) return;
      event.preventDefault();
      dragging = true;
      anchor = i;
      cursor = i;
      paint();
    });
    body.addEventListener("pointerover", (event) => {
      if (!dragging) return;
      const i = tokenIndex(event.target);
      if (i !== null && i !== cursor) { cursor = i; paint(); }
    });
    body.addEventListener("dblclick", (event) => {
      const i = tokenIndex(event.target);
      if (i === null) return;
      anchor = i;
      cursor = i;
      paint();
    });
  }
  document.addEventListener("pointerup", () => { if (dragging) { dragging = false; paint(); } });

  /** Spans of a label or of a model, kept when they fit the text (a model's may not). */
  function loaded(list, suggested) {
    if (!Array.isArray(list)) return [];
    return list.filter((s) => s && Number.isInteger(s.start) && Number.isInteger(s.end) && s.start < s.end &&
        s.end <= chars.length && typeof s.category === "string" &&
        (typeof s.text !== "string" || chars.slice(s.start, s.end).join("") === s.text))
      .map((s) => ({ start: s.start, end: s.end, category: s.category, suggested,
        confidence: suggested && Number.isFinite(Number(s.confidence)) ? Number(s.confidence) : null }));
  }

  function textOfItem(shown) {
    const column = app.config.text_column;
    const value = shown && shown.data ? shown.data[column] : null;
    return value === null || value === undefined ? "" : String(value);
  }

  // -------------------------------------------------------------- the task
  return {
    confirms: true,
    confirmText: "Confirm (Enter)",
    confirmAria: "Confirm the spans of this text (Enter); no span means nothing to mark",
    confirmHelp: "Confirm the text's spans (none: nothing to mark), suggestions included",
    sideTitle: "Category of the span",
    reviewHint: "Edit the spans and press Enter to change it, → to go on.",
    help: [
      { keys: ["←", "→"], text: "Move the cursor a word (in reading order: in a right-to-left text ← goes on)" },
      { keys: ["Shift+←", "Shift+→"], text: "Extend the selection a word" },
      { keys: ["Backspace"], text: "Remove the span under the cursor (none there: back to the previous text)" },
      { keys: ["Esc"], text: "Drop the selection" },
      { keys: ["Drag", "Double-click"], text: "Select words with the mouse, then a category key marks them" },
    ],

    onCategory(name) { if (item || entry) mark(name); },

    confirm(startedAt) {
      if (!item) return true;
      const label = sorted().map((s) => ({ start: s.start, end: s.end, text: textOf(s), category: s.category }));
      drafts.delete(item.id);
      item = null;   // decided: the render that follows keeps no draft of it
      entry = null;
      app.decideLabel(label, startedAt);
      return true;
    },

    reset(next, nextEntry) {
      if (next === item && nextEntry === entry) return;   // the same text is on screen: keep the work
      if (item && !entry) {
        drafts.delete(item.id);
        if (spans.length) drafts.set(item.id, spans);
        while (drafts.size > DRAFTS) drafts.delete(drafts.keys().next().value);
      }
      item = next;
      entry = nextEntry;
      cursor = 0;
      anchor = null;
      body = null;
      chars = item ? Array.from(textOfItem(item)) : [];
      if (entry) spans = entry.status === "labeled" ? loaded(entry.label, false) : [];
      else if (item) spans = drafts.get(item.id) || loaded(item.suggestion, true);
      else spans = [];
    },

    show(shown, prepared) {
      if (shown !== item) return;
      const found = app.stage.querySelector(".al-text-body");
      if (!found) { body = null; return; }
      if (found !== body) {
        body = found;
        attachMouse();
      }
      build(textOfItem(shown));
      paint();
    },

    handleKey(event) {
      const key = event.key.toLowerCase();
      if (event.altKey || event.ctrlKey || event.metaKey) return false;
      if (key === "arrowleft" || key === "arrowright") {
        const forward = (key === "arrowright") !== rtl;
        move(forward ? 1 : -1, event.shiftKey);
        return true;
      }
      if (key === "backspace") {
        const i = spanAtCursor();
        if (i < 0) return false;   // back to the previous text
        if (event.repeat) return true;
        spans.splice(i, 1);
        paint();
        return true;
      }
      if (key === "escape" && anchor !== null) { anchor = null; paint(); return true; }
      return false;
    },

    pressed(name) {
      const i = spanAtCursor();
      return i >= 0 && spans[i].category === name;
    },
    canConfirm() { return true; },

    describe(label) {
      if (!Array.isArray(label)) return String(label);
      if (!label.length) return "nothing to mark";
      return `${label.length} span${label.length > 1 ? "s" : ""}: ` +
        label.map((s) => `${s.category} “${s.text}”`).join(", ");
    },

    categoryHelp(name) { return `Mark the selection (or the word under the cursor) as ${name}`; },

    /** A category button shows its spans' colour (its name stays the way to tell them apart). */
    decorateCategory(button, name) {
      const [bg, edge] = colorOf.get(name) || COLORS[8];
      button.style.setProperty("--al-span-bg", bg);
      button.style.setProperty("--al-span-edge", edge);
    },

    /** The spans on screen in code point offsets (for the tests). */
    spans() {
      return sorted().map((s) => ({ start: s.start, end: s.end, text: textOf(s), category: s.category,
        suggested: s.suggested }));
    },
  };
}
