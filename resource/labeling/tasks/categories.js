// The "categories" task (multi-label): category keys toggle categories, Enter confirms them.
// The model's suggested categories (a query's suggestion) start selected and marked: Enter
// accepts them as they are. The first category key overrides them: the selection starts again
// from that category alone, and later keys toggle as usual.

export const NAME = "categories";

/** The task's part of the page for `app` (a LabelingApp of main.js). */
export function createTask(app) {
  let selection = new Set();
  let suggested = new Set();
  let untouched = false;   // the selection is still the model's suggestion
  const task = {
    confirms: true,
    confirmText: "Confirm (Enter)",
    confirmAria: "Confirm the selected categories (Enter)",
    confirmHelp: "Confirm the selected categories (the model's suggestion starts selected; a category key starts over)",
    sideTitle: "Category",
    reviewHint: "Toggle categories and press Enter to change it, → to go on.",
    onCategory(name) {
      if (untouched) { selection = new Set(); untouched = false; }
      if (selection.has(name)) selection.delete(name); else selection.add(name);
      app.renderSelection();
    },
    confirm(startedAt) {
      if (!selection.size) { app.flash("Choose at least one category first, or skip (S)."); return true; }
      const chosen = app.categories.map((c) => c.name).filter((n) => selection.has(n));
      app.decideLabel(chosen, startedAt);
      return true;
    },
    reset(item, entry) {
      const label = entry && entry.status === "labeled" ? entry.label : null;
      suggested = new Set(!entry && item && Array.isArray(item.suggestion) ? item.suggestion.map(String) : []);
      selection = new Set(label === null || label === undefined ? suggested : Array.isArray(label) ? label : [label]);
      untouched = !entry && suggested.size > 0;
    },
    pressed(name) { return selection.has(name); },
    suggested(name) { return suggested.has(name); },
    canConfirm() { return selection.size > 0; },
    describe(label) { return Array.isArray(label) ? label.join(", ") : String(label); },
    categoryHelp(name) { return `Toggle ${name}`; },
  };
  return task;
}
