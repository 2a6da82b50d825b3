// The "?" panel: every shortcut, and a field per category to change its hotkey.
import { el, replaceChildren } from "./escape.js";
import { COMMAND_HELP, keyLabel } from "./keyboard.js";

/**
 * Fill `panel` with the shortcut list.
 * @param {HTMLElement} panel
 * @param {{kind: string, task: Object, categories: Array, hotkeyOf: (name: string) => (string|undefined),
 *          setHotkey: (name: string, key: string) => (string|null), close: () => void}} app
 *   `task`: the annotation task's part of the page (tasks/*.js): what a category key does
 *   (categoryHelp), what Enter confirms (confirmHelp, when it confirms), its own keys (help).
 */
export function renderHelp(panel, app) {
  const error = el("p", { class: "al-help-error", role: "alert" });
  const rows = app.categories.map((c) => {
    const input = el("input", { type: "text", class: "al-hotkey-input", maxlength: "1", size: "2",
      value: keyLabel(app.hotkeyOf(c.name) || ""), "aria-label": `Hotkey of ${c.name}` });
    input.addEventListener("change", () => {
      const problem = app.setHotkey(c.name, input.value.trim());
      error.textContent = problem || "";
      input.value = keyLabel(app.hotkeyOf(c.name) || "");
    });
    return el("tr", {}, el("td", {}, input),
      el("td", { text: app.task.categoryHelp(c.name) }));
  });
  const lines = COMMAND_HELP.filter((h) => (!h.kinds || h.kinds.includes(app.kind)) && (!h.confirms || app.task.confirms))
    .map((h) => (h.confirms ? { ...h, text: app.task.confirmHelp } : h));
  lines.splice(lines.length - 1, 0, ...(app.task.help || []));   // before "?": the last line
  const commands = lines.map((h) => el("tr", {}, el("td", {}, h.keys.map((k) => el("kbd", { class: "al-key", text: k }))),
    el("td", { text: h.text })));
  replaceChildren(panel, el("div", { class: "al-help-box" },
    el("h2", { text: "Keyboard shortcuts" }),
    el("table", { class: "al-help-table" },
      el("caption", { text: "Categories (type a digit or letter to change a hotkey; saved in this browser)" }),
      el("tbody", {}, rows)),
    error,
    el("table", { class: "al-help-table" }, el("caption", { text: "Commands" }), el("tbody", {}, commands)),
    el("p", { class: "al-muted", text: "Hotkeys do nothing while you type in the comment box." }),
    el("button", { type: "button", class: "al-btn", text: "Close (Esc)", onclick: app.close })));
}
