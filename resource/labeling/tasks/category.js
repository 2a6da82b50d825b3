// The "category" task: one category per item. A category key (or button) labels the item and
// shows the next one at once.

export const NAME = "category";

/** The task's part of the page for `app` (a LabelingApp of main.js). */
export function createTask(app) {
  let chosen = null;   // the reviewed decision's category, shown pressed
  return {
    confirms: false,
    sideTitle: "Category",
    reviewHint: "Press a category to change it, → to go on.",
    onCategory(name, startedAt) { app.label(name, startedAt); },
    confirm() { return false; },
    reset(item, entry) { chosen = entry && entry.status === "labeled" ? entry.label : null; },
    pressed(name) { return chosen === name; },
    canConfirm() { return true; },
    describe(label) { return String(label); },
    categoryHelp(name) { return `Label as ${name} and go on`; },
  };
}
