// Keyboard shortcuts: category hotkeys (1-9, then letters, settable per category) and the
// fixed commands. Everything here also has a button, so the mouse can do the same.

/** Fixed commands: key (as KeyboardEvent.key, lower-cased) -> command name (a view's KEYS come first). */
export const COMMAND_KEYS = {
  backspace: "back",
  arrowleft: "back",
  arrowright: "forward",
  s: "skip",
  enter: "confirm",
  " ": "playPause",
  r: "replay",
  "[": "slower",
  "]": "faster",
  a: "autoplay",
  "+": "zoomIn",
  "=": "zoomIn",
  "-": "zoomOut",
  "0": "zoomFit",
  o: "zoomOriginal",
  c: "comment",
  "?": "help",
  escape: "escape",
};

/**
 * Shown in the ? panel, in this order; `kinds` limits a line to some webapps, `confirms` to tasks
 * whose Enter confirms (the line then reads as the task's confirmHelp).
 */
export const COMMAND_HELP = [
  { keys: ["Backspace", "←"], text: "Go back to the previous item (to fix a slip)" },
  { keys: ["→"], text: "Go forward again" },
  { keys: ["S"], text: "Skip this item" },
  { keys: ["Enter"], text: "Confirm", confirms: true },
  { keys: ["C"], text: "Write a comment (Esc leaves the comment box)" },
  { keys: ["Space"], text: "Play or pause", kinds: ["sound"] },
  { keys: ["R"], text: "Replay from the start", kinds: ["sound"] },
  { keys: ["[", "]"], text: "Slower / faster (0.5× to 2×)", kinds: ["sound"] },
  { keys: ["A"], text: "Autoplay on or off", kinds: ["sound"] },
  { keys: ["Space"], text: "Show all of a long text, or fold it again", kinds: ["text"] },
  { keys: ["↓", "↑", "PgDn", "PgUp"], text: "Scroll the text", kinds: ["text"] },
  { keys: ["+", "-"], text: "Zoom in / out (or the mouse wheel; drag to pan)", kinds: ["image"] },
  { keys: ["0"], text: "Fit the image to the screen", kinds: ["image"] },
  { keys: ["O"], text: "Original size", kinds: ["image"] },
  { keys: ["?"], text: "Show or hide this list" },
];

const RESERVED = new Set(Object.keys(COMMAND_KEYS));
const LETTERS = "bdefghijklmnpqtuvwxyz".split("").filter((k) => !RESERVED.has(k));

/** True when a key may be used as a category hotkey. */
export function isFreeHotkey(key) {
  const k = String(key || "").toLowerCase();
  return k.length === 1 && /[0-9a-z]/.test(k) && !RESERVED.has(k) && k !== "0";
}

/**
 * Hotkeys of the categories: the user's own choice (saved in this browser), else the service's,
 * else 1-9 then free letters. Returns a Map name -> key (lower-case), without duplicates.
 */
export function assignHotkeys(categories, overrides = {}) {
  const result = new Map();
  const used = new Set();
  const take = (name, key) => {
    const k = String(key || "").toLowerCase();
    if (!isFreeHotkey(k) || used.has(k)) return false;
    used.add(k);
    result.set(name, k);
    return true;
  };
  for (const c of categories) take(c.name, overrides[c.name]);
  for (const c of categories) if (!result.has(c.name)) take(c.name, c.hotkey);
  const pool = ["1", "2", "3", "4", "5", "6", "7", "8", "9", ...LETTERS];
  for (const c of categories) {
    if (result.has(c.name)) continue;
    const key = pool.find((k) => !used.has(k));
    if (key) take(c.name, key);
  }
  return result;
}

/** True when the key event happens in a place where the user types (comment box, selects...). */
export function isTyping(event) {
  const target = event.target;
  if (!target || !(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") {
    const type = (target.getAttribute("type") || "text").toLowerCase();
    return !["checkbox", "radio", "button", "submit", "range"].includes(type);
  }
  return false;
}

/** How a key is written for people. */
export function keyLabel(key) {
  const names = { " ": "Space", arrowleft: "←", arrowright: "→", backspace: "Backspace", enter: "Enter",
    escape: "Esc" };
  const k = String(key);
  return names[k.toLowerCase()] || (k.length === 1 ? k.toUpperCase() : k);
}
