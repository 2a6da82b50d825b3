// The "categories" task (multi-label): category keys toggle categories, Enter confirms them.

export const NAME = "categories";

/** The task's part of the page for `app` (a LabelingApp of main.js). */
export function createTask(app) {
  let selection = new Set();
  const task = {
    confirms: true,
    confirmText: "Confirm (Enter)",
    confirmAria: "Confirm the selected categories (Enter)",
    confirmHelp: "Confirm the selected categories",
    sideTitle: "Category",
    reviewHint: "Toggle categories and press Enter to change it, → to go on.",
    onCategory(name) {
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
      selection = new Set(label === null || label === undefined ? [] : Array.isArray(label) ? label : [label]);
    },
    pressed(name) { return selection.has(name); },
    canConfirm() { return selection.size > 0; },
    describe(label) { return Array.isArray(label) ? label.join(", ") : String(label); },
    categoryHelp(name) { return `Toggle ${name}`; },
  };
  return task;
}
