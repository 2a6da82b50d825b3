// The page's frame and the parts of it that show the app's state (LabelingApp in main.js
// owns the state; these functions only draw it).
import { el, replaceChildren } from "./escape.js";
import { keyLabel } from "./keyboard.js";

/** Build the page's frame in app.root; the parts the app updates become fields of app. */
export function buildShell(app) {
  app.position = el("span", { class: "al-position", "aria-live": "polite" });
  app.sync = el("span", { class: "al-sync", role: "status", "aria-live": "polite" });
  app.helpButton = el("button", { type: "button", class: "al-btn al-btn-ghost", "aria-label": "Keyboard shortcuts (?)",
    title: "Keyboard shortcuts (?)", text: "? Shortcuts", onclick: () => app.toggleHelp() });
  app.titleBox = el("h1", { class: "al-title", text: app.title });
  const header = el("header", { class: "al-header" }, app.titleBox, app.position, app.sync, app.helpButton);

  app.noticeBox = el("div", { class: "al-notices", "aria-live": "assertive" });
  app.stoppingBanner = el("div", { class: "al-stopping al-stopping-stable", role: "status", hidden: true });
  app.itemStatus = el("div", { class: "al-item-status", "aria-live": "polite" });
  app.alHint = el("span", { class: "al-al-hint" });
  app.itemMeta = el("div", { class: "al-item-meta" }, app.itemStatus, app.alHint);
  app.stage = el("div", { class: "al-stage", "aria-label": "Item to label", role: "region" });
  const main = el("main", { class: "al-main" }, app.noticeBox, app.stoppingBanner, app.itemMeta, app.stage);

  app.categoryList = el("div", { class: "al-categories", role: "group", "aria-label": "Categories" });
  app.confirmButton = el("button", { type: "button", class: "al-btn al-btn-primary al-confirm", hidden: true,
    text: "Confirm (Enter)", "aria-label": "Confirm the selected categories (Enter)",
    onclick: () => app.command("confirm", performance.now()) });
  app.backButton = el("button", { type: "button", class: "al-btn", text: "← Back",
    "aria-label": "Back to the previous item (Backspace or Left arrow)", title: "Back (Backspace, ←)",
    onclick: () => app.back() });
  app.skipButton = el("button", { type: "button", class: "al-btn", text: "Skip (S)",
    "aria-label": "Skip this item (S)", title: "Skip (S)", onclick: () => app.skip(performance.now()) });
  app.forwardButton = el("button", { type: "button", class: "al-btn", text: "Forward →",
    "aria-label": "Forward to the next item (Right arrow)", title: "Forward (→)", onclick: () => app.forward() });
  app.comment = el("textarea", { class: "al-comment", id: "al-comment", rows: "2", maxlength: "2000",
    placeholder: "Optional note, saved with the next decision on this item" });
  app.sideTitle = el("h2", { class: "al-side-title", text: "Category" });
  const side = el("aside", { class: "al-side", "aria-label": "Labeling controls" },
    app.sideTitle,
    app.categoryList, app.confirmButton,
    el("div", { class: "al-actions" }, app.backButton, app.skipButton, app.forwardButton),
    el("label", { class: "al-comment-label", for: "al-comment", text: "Comment (C)" }), app.comment,
    el("h2", { class: "al-side-title", text: "Progress" }),
    app.statsBox = el("div", { class: "al-stats" }),
    app.stoppingLine = el("div", { class: "al-stopping al-stopping-quiet", hidden: true }),
    app.roundsBox = el("div", { class: "al-rounds", hidden: true }));
  app.helpPanel = el("div", { class: "al-help", role: "dialog", "aria-modal": "true",
    "aria-label": "Keyboard shortcuts", hidden: true, tabindex: "-1" });
  replaceChildren(app.root, el("div", { class: `al-app al-kind-${app.kind}`, dataset: { kind: app.kind } },
    header, el("div", { class: "al-body" }, main, side), app.helpPanel));
  app.appRoot = app.root.firstChild;
  replaceChildren(app.stage, el("p", { class: "al-muted al-loading", text: "Loading…" }));
}

/** The category buttons, with their hotkeys. */
export function renderCategories(app) {
  app.categoryButtons = new Map();
  replaceChildren(app.categoryList, app.categories.map((c) => {
    const key = app.hotkeys.get(c.name);
    const button = el("button", { type: "button", class: "al-category", dataset: { category: c.name },
      "aria-pressed": "false",
      "aria-label": `${c.name}${c.description ? `: ${c.description}` : ""}${key ? ` (key ${keyLabel(key)})` : ""}`,
      title: c.description || c.name,
      onclick: () => app.task.onCategory(c.name, performance.now()) },
    el("kbd", { class: "al-key", text: key ? keyLabel(key) : "" }),
    el("span", { class: "al-category-name", text: c.name }),
    c.description ? el("span", { class: "al-category-desc", text: c.description }) : null);
    if (app.task && app.task.decorateCategory) app.task.decorateCategory(button, c.name);
    app.categoryButtons.set(c.name, button);
    return button;
  }));
}

/** Which categories the task shows pressed, and the hotkeys shown on them. */
export function renderSelection(app) {
  if (!app.categoryButtons || !app.task) return;
  for (const [name, button] of app.categoryButtons) {
    button.setAttribute("aria-pressed", app.task.pressed(name) ? "true" : "false");
    // The model's suggestion is marked (its word "suggested" shown by the stylesheet).
    const suggested = Boolean(app.task.suggested && app.task.suggested(name));
    if (suggested) button.dataset.suggested = "true"; else delete button.dataset.suggested;
    const key = app.hotkeys.get(name);
    button.querySelector("kbd").textContent = key ? keyLabel(key) : "";
  }
  app.confirmButton.disabled = app.task.confirms && !app.task.canConfirm();
}

/** What the shown item is: new, or a past decision under review (and whether it is saved). */
export function renderItemStatus(app) {
  const { item, entry } = app.current;
  if (entry) {
    const what = entry.status === "skipped" ? "Skipped" : `Labeled ${app.task.describe(entry.label)}`;
    const d = entry.decision;
    let state = "saved";
    let cls = "al-badge-saved";
    if (d && d.pending) {
      state = d.state === "retrying" ? "not sent yet, retrying" : "sending…";
      cls = "al-badge-pending";
    } else if (d && d.state === "failed") {
      state = `not saved: ${d.error ? d.error.message : "refused"}`;
      cls = "al-badge-failed";
    }
    replaceChildren(app.itemStatus,
      el("span", { class: "al-badge al-badge-review", text: "Reviewing" }),
      el("span", { class: `al-badge ${cls}`, dataset: { state: d ? d.state : "saved" }, text: `${what} · ${state}` }),
      entry.comment ? el("span", { class: "al-muted al-entry-comment", text: `“${entry.comment}”` }) : null,
      el("span", { class: "al-muted", text: app.task.reviewHint }));
  } else {
    replaceChildren(app.itemStatus, item ? el("span", { class: "al-badge al-badge-new", text: "New item" }) : null);
  }
  // Why this item, in words; the raw rank and score in the tooltip.
  const why = item && item.why;
  app.alHint.textContent = why && why.text ? String(why.text) : "";
  app.alHint.title = why && why.title ? String(why.title) : "";
}

/** Where the annotator is: a new item, or their n-th decision. */
export function renderPosition(app) {
  if (!app.trail) return;
  const entry = app.current.entry;
  const count = app.trail.count;
  app.position.textContent = entry
    ? `Your decision ${Number.isFinite(entry.position) ? entry.position + 1 : "?"} of ${count}`
    : `New item · ${count} decided by you`;
}

/** A duration in words: "42 s", "about a minute", "3 min". */
function duration(seconds) {
  const s = Math.max(1, Number(seconds) || 0);
  if (s >= 45 && s <= 75) return "about a minute";
  return s < 90 ? `${Math.ceil(s)} s` : `${Math.round(s / 60)} min`;
}

/**
 * The stage when no item is left to show: loading, or nothing left (and what others hold: `held`
 * as a short batch answers it, {count, yours, first_free_in}; `lease` as GET /api/config says).
 */
export function renderNothingLeft(stage, exhausted, held, lease = 60) {
  if (!exhausted) {
    replaceChildren(stage, el("div", { class: "al-done" },
      el("p", { class: "al-done-title", text: "Loading the next items…" })));
    return;
  }
  let detail = "Every item is labeled or skipped. Go back (←) to review your labels, or reload the page later.";
  if (held && held.count > 0) {
    const count = Number(held.count);
    const yours = Number(held.yours) || 0;
    const items = `${count} item${count > 1 ? "s" : ""} ${count > 1 ? "are" : "is"} still reserved`;
    let whose = " by other annotators";
    if (yours === count) whose = " by another tab or window of yours";
    else if (yours) whose = `, ${yours} of them by another tab or window of yours`;
    const first = Number(held.first_free_in);
    let when = "any moment now";
    if (Number.isFinite(first) && first > 1) when = first < 90 ? `in ${Math.ceil(first)} s` : `in ${duration(first)}`;
    detail = `${items}${whose}. Reserved items come free ${duration(lease)} after their page is closed, ` +
      `or when it lies idle too long; the first could be free ${when}. This page checks again by itself; ` +
      "meanwhile, go back (←) to review your labels.";
  }
  replaceChildren(stage, el("div", { class: "al-done" },
    el("p", { class: "al-done-title", text: "Nothing left to label for now." }),
    el("p", { class: `al-muted al-done-detail${held && held.count > 0 ? " al-done-held" : ""}`, text: detail })));
}
