// The "category" task: one category per item. A category key (or button) labels the item and
// shows the next one at once. With the model's suggestions on (GET /api/config `suggestions`, and
// queries), a query's suggested category is marked and preselected: Enter (or the Accept button)
// labels the item with it; any category key labels it with that category instead.

export const NAME = "category";

/** The task's part of the page for `app` (a LabelingApp of main.js). */
export function createTask(app) {
  let chosen = null;      // the reviewed decision's category, shown pressed
  let suggested = null;   // the model's guess for the new item on screen, preselected
  const offers = Boolean(app.config && app.config.suggestions && app.config.active_learning);
  return {
    confirms: offers,
    confirmText: "Accept suggestion (Enter)",
    confirmAria: "Label the item with the model's suggestion (Enter)",
    confirmHelp: "Accept the model's suggestion (the category marked “suggested”); a category key overrides it",
    sideTitle: "Category",
    reviewHint: "Press a category to change it, → to go on.",
    onCategory(name, startedAt) { app.label(name, startedAt); },
    confirm(startedAt) {
      if (!suggested) {
        app.flash("No suggestion on this item: press a category key.");
        return true;
      }
      app.label(suggested, startedAt);
      return true;
    },
    reset(item, entry) {
      chosen = entry && entry.status === "labeled" ? entry.label : null;
      suggested = !entry && item && typeof item.suggestion === "string" ? item.suggestion : null;
    },
    pressed(name) { return isPressed(name); },
    suggested(name) { return suggested === name; },
    canConfirm() { return suggested !== null; },
    describe(label) { return String(label); },
    categoryHelp(name) { return `Label as ${name} and go on`; },
  };

  function isPressed(name) { return chosen === null ? suggested === name : chosen === name; }
}
