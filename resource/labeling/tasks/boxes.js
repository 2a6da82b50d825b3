// The "boxes" task: boxes drawn on an image, each with a category (object detection).
// Boxes live in pixels of the original image as the page shows it (EXIF orientation applied),
// whatever the size the image is served and displayed at: the SVG layer laid over the image has
// the original size as its viewBox, so its coordinates are those pixels.
//
// Mouse: drag on the image draws a box (Shift+drag: even over another box); drag a box moves it,
// a corner handle of the selected box resizes it; a drag outside the image, with the middle
// button or with Space held pans; the wheel zooms.
// Keys: a category key sets the class of the selected box and of the next ones; Tab / Shift+Tab
// select the next / previous box; arrows move the selected box a pixel (Shift: 10), Alt+arrows
// resize it (its right and bottom edges); Delete removes it; Esc unselects; Enter confirms the
// image (no box: "no object"). Pre-boxes (a detector's, from the queries) are drawn dashed until
// touched; Enter accepts them as they are.
import { request } from "../api.js";
import { el } from "../escape.js";

export const NAME = "boxes";
export const TITLE = { image: "Box the objects in images" };

const SVG = "http://www.w3.org/2000/svg";
const HANDLE_PX = 10;      // corner handles, in screen pixels
const LABEL_PX = 12;       // the category written on a box, in screen pixels
const MIN_DRAG_PX = 4;     // a drag shorter than this on screen is a click, not a box
const DRAFTS = 50;         // boxes drawn on new items and left unconfirmed, kept for going back to them
// Strong hues that stay visible on photos; the category's name is written on each box too.
const COLORS = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#0f9fa8", "#d6277f", "#7a8b00",
  "#9a6324", "#000075"];
const CORNERS = ["nw", "ne", "sw", "se"];

function svgEl(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  return node;
}

const round = (v) => Math.round(v);

/** A box of a label or a pre-annotation, as the page keeps it. */
function toBox(source, suggested) {
  const [x, y, w, h] = (source.bbox || []).map(Number);
  return { x, y, w, h, category: String(source.category), suggested,
    confidence: suggested && Number.isFinite(Number(source.confidence)) ? Number(source.confidence) : null };
}

/** The task's part of the page for `app` (a LabelingApp of main.js). */
export function createTask(app) {
  const colorOf = new Map(app.categories.map((c, i) => [c.name, COLORS[i % COLORS.length]]));
  let current = app.categories.length ? app.categories[0].name : null;  // class of the next boxes
  let boxes = [];
  let selected = -1;
  let item = null;
  let entry = null;
  let size = null;           // {width, height} of the original image, once known
  let mounted = null;        // the view the layer is laid over
  let spaceHeld = false;
  const drafts = new Map();  // new item's id -> its unconfirmed boxes
  // Measured by the browser tests and benchmarks/bench_boxes.py: the main thread's work per drag frame.
  app.metrics.frames = [];

  const svg = svgEl("svg", { class: "al-boxes", "aria-label": "Boxes", role: "group" });
  const background = svgEl("rect", { class: "al-boxes-bg", x: 0, y: 0, width: 1, height: 1 });
  const layer = svgEl("g", { class: "al-boxes-layer" });
  const handles = svgEl("g", { class: "al-box-handles" });
  svg.append(background, layer, handles);
  const handleNodes = CORNERS.map((corner) => {
    const node = svgEl("rect", { class: `al-box-handle al-box-handle-${corner}`, "data-handle": corner });
    handles.appendChild(node);
    return node;
  });
  let nodes = [];            // per box: {group, rect, text}
  const removeButton = el("button", { type: "button", class: "al-btn al-box-remove", disabled: true,
    text: "Remove the box (Delete)", "aria-label": "Remove the selected box (Delete)",
    onclick: () => { if (selected >= 0) remove(); } });
  let unit = 1;              // original pixels per screen pixel

  // -------------------------------------------------------------- drawing
  function style(index) {
    const box = boxes[index];
    const node = nodes[index];
    node.group.setAttribute("class", `al-box${index === selected ? " al-box-selected" : ""}` +
      `${box.suggested ? " al-box-suggested" : ""}`);
    node.group.style.setProperty("--al-box-color", colorOf.get(box.category) || "#444");
    node.text.textContent = box.confidence !== null ? `${box.category} ${box.confidence.toFixed(2)}` : box.category;
  }

  function place(index) {
    const box = boxes[index];
    const node = nodes[index];
    node.rect.setAttribute("x", box.x);
    node.rect.setAttribute("y", box.y);
    node.rect.setAttribute("width", Math.max(box.w, 0));
    node.rect.setAttribute("height", Math.max(box.h, 0));
    node.text.setAttribute("x", box.x + 3 * unit);
    node.text.setAttribute("y", box.y + (LABEL_PX + 1) * unit);
    if (index === selected) placeHandles();
  }

  function placeHandles() {
    const box = boxes[selected];
    handles.style.display = box ? "" : "none";
    if (!box) return;
    const side = HANDLE_PX * unit;
    const spots = { nw: [box.x, box.y], ne: [box.x + box.w, box.y], sw: [box.x, box.y + box.h],
      se: [box.x + box.w, box.y + box.h] };
    CORNERS.forEach((corner, i) => {
      const [cx, cy] = spots[corner];
      handleNodes[i].setAttribute("x", cx - side / 2);
      handleNodes[i].setAttribute("y", cy - side / 2);
      handleNodes[i].setAttribute("width", side);
      handleNodes[i].setAttribute("height", side);
    });
  }

  /** Every box again (another item, boxes added or removed). */
  function redraw() {
    while (layer.firstChild) layer.removeChild(layer.firstChild);
    nodes = boxes.map((box, index) => {
      const group = svgEl("g", { "data-index": index });
      const rect = svgEl("rect", { class: "al-box-rect", "data-index": index });
      const text = svgEl("text", { class: "al-box-label", "data-index": index });
      group.append(rect, text);
      layer.appendChild(group);
      return { group, rect, text };
    });
    boxes.forEach((_, index) => { style(index); place(index); });
    svg.style.setProperty("--al-label-size", `${LABEL_PX * unit}px`);
    placeHandles();
    svg.dataset.count = String(boxes.length);
    svg.dataset.selected = String(selected);
    removeButton.disabled = selected < 0;
    app.renderSelection();
  }

  function select(index) {
    const before = selected;
    selected = index;
    if (before >= 0 && before < boxes.length) style(before);
    if (selected >= 0) { style(selected); layer.appendChild(nodes[selected].group); }   // on top
    placeHandles();
    svg.dataset.selected = String(selected);
    removeButton.disabled = selected < 0;
    if (selected >= 0) current = boxes[selected].category;
    app.renderSelection();
  }

  /** Zoom changed: handles and names keep their size on screen. */
  function rescale() {
    const shown = svg.getBoundingClientRect();
    if (!size || !shown.width) return;
    unit = size.width / shown.width;
    svg.style.setProperty("--al-label-size", `${LABEL_PX * unit}px`);
    boxes.forEach((_, index) => place(index));
    placeHandles();
  }

  function clamp(box) {
    if (!size) return box;
    box.w = Math.min(Math.max(box.w, 1), size.width);
    box.h = Math.min(Math.max(box.h, 1), size.height);
    box.x = Math.min(Math.max(box.x, 0), size.width - box.w);
    box.y = Math.min(Math.max(box.y, 0), size.height - box.h);
    return box;
  }

  function touched(index) {
    const box = boxes[index];
    if (box.suggested) { box.suggested = false; box.confidence = null; style(index); }
  }

  // -------------------------------------------------------------- the mouse
  let drag = null;           // {mode, index, start: {x, y}, origin: box copy, corner, frame, last}

  function toImage(event) {
    const r = drag ? drag.rect : svg.getBoundingClientRect();
    return { x: ((event.clientX - r.left) * size.width) / r.width,
      y: ((event.clientY - r.top) * size.height) / r.height };
  }

  svg.addEventListener("pointerdown", (event) => {
    if (!size || event.button !== 0 || spaceHeld) return;   // the image view pans
    event.stopPropagation();
    event.preventDefault();
    const rect = svg.getBoundingClientRect();
    drag = { rect, screen: { x: event.clientX, y: event.clientY }, moved: false, frame: 0 };
    drag.start = toImage(event);
    const corner = event.target.getAttribute("data-handle");
    const index = Number(event.target.getAttribute("data-index"));
    if (corner && selected >= 0) {
      Object.assign(drag, { mode: "resize", index: selected, corner, origin: { ...boxes[selected] } });
    } else if (!event.shiftKey && event.target.hasAttribute("data-index") && Number.isInteger(index)) {
      select(index);
      Object.assign(drag, { mode: "move", index, origin: { ...boxes[index] } });
    } else {
      Object.assign(drag, { mode: "draw", index: -1 });
    }
    svg.setPointerCapture(event.pointerId);
  });

  function apply(point) {
    const dx = point.x - drag.start.x;
    const dy = point.y - drag.start.y;
    if (drag.mode === "draw") {
      if (drag.index < 0) {
        boxes.push({ x: drag.start.x, y: drag.start.y, w: 0, h: 0, category: current, suggested: false,
          confidence: null });
        drag.index = boxes.length - 1;
        redraw();
        select(drag.index);
      }
      const x = Math.min(Math.max(point.x, 0), size.width);
      const y = Math.min(Math.max(point.y, 0), size.height);
      Object.assign(boxes[drag.index], { x: Math.min(x, drag.start.x), y: Math.min(y, drag.start.y),
        w: Math.abs(x - drag.start.x), h: Math.abs(y - drag.start.y) });
    } else if (drag.mode === "move") {
      touched(drag.index);
      clamp(Object.assign(boxes[drag.index], { x: drag.origin.x + dx, y: drag.origin.y + dy }));
    } else {
      touched(drag.index);
      const o = drag.origin;
      let left = o.x, top = o.y, right = o.x + o.w, bottom = o.y + o.h;
      if (drag.corner.includes("w")) left += dx; else right += dx;
      if (drag.corner.includes("n")) top += dy; else bottom += dy;
      const x0 = Math.max(0, Math.min(left, right)), x1 = Math.min(size.width, Math.max(left, right));
      const y0 = Math.max(0, Math.min(top, bottom)), y1 = Math.min(size.height, Math.max(top, bottom));
      Object.assign(boxes[drag.index], { x: x0, y: y0, w: x1 - x0, h: y1 - y0 });
    }
    place(drag.index);
  }

  svg.addEventListener("pointermove", (event) => {
    if (!drag) return;
    if (!drag.moved && Math.hypot(event.clientX - drag.screen.x, event.clientY - drag.screen.y) < MIN_DRAG_PX) return;
    drag.moved = true;
    drag.last = toImage(event);
    if (drag.frame) return;   // one update per frame, whatever the rate of pointer events
    drag.frame = requestAnimationFrame(() => {
      const started = performance.now();
      if (!drag) return;
      drag.frame = 0;
      apply(drag.last);
      const channel = new MessageChannel();   // runs once the frame is rendered
      channel.port1.onmessage = () => app.metrics.frames.push(performance.now() - started);
      channel.port2.postMessage(null);
    });
  });

  function endDrag() {
    if (!drag) return;
    const done = drag;
    drag = null;
    if (done.frame) cancelAnimationFrame(done.frame);
    if (done.moved && done.last) { drag = done; apply(done.last); drag = null; }
    if (done.mode === "draw") {
      const box = done.index >= 0 ? boxes[done.index] : null;
      if (!box || box.w / unit < MIN_DRAG_PX || box.h / unit < MIN_DRAG_PX) {
        if (box) { boxes.splice(done.index, 1); selected = -1; redraw(); } else select(-1);
        return;
      }
    }
    if (done.index >= 0 && boxes[done.index]) {
      const box = boxes[done.index];
      Object.assign(box, { x: round(box.x), y: round(box.y), w: round(box.w), h: round(box.h) });
      clamp(box);
      place(done.index);
    }
  }
  svg.addEventListener("pointerup", endDrag);
  svg.addEventListener("pointercancel", endDrag);

  document.addEventListener("keydown", (event) => { if (event.key === " ") spaceHeld = true; });
  document.addEventListener("keyup", (event) => { if (event.key === " ") spaceHeld = false; });
  window.addEventListener("blur", () => { spaceHeld = false; });

  // -------------------------------------------------------------- the keyboard
  function nudge(key, step, resize) {
    const box = boxes[selected];
    touched(selected);
    const d = { arrowleft: [-step, 0], arrowright: [step, 0], arrowup: [0, -step], arrowdown: [0, step] }[key];
    if (resize) { box.w += d[0]; box.h += d[1]; } else { box.x += d[0]; box.y += d[1]; }
    clamp(box);
    place(selected);
  }

  function remove() {
    boxes.splice(selected, 1);
    selected = -1;   // a second Delete removes nothing by surprise
    redraw();
  }

  // -------------------------------------------------------------- the task
  const task = {
    confirms: true,
    confirmText: "Confirm (Enter)",
    confirmAria: "Confirm the boxes of this image (Enter); no box means no object",
    confirmHelp: "Confirm the image's boxes (no box: no object in it)",
    sideTitle: "Class of the boxes",
    controls: removeButton,   // shown under the confirm button
    reviewHint: "Edit the boxes and press Enter to change it, → to go on.",
    help: [
      { keys: ["Drag"], text: "Draw a box on the image; drag a box to move it, a corner to resize it" },
      { keys: ["Shift+drag"], text: "Draw a box over another one" },
      { keys: ["Tab", "Shift+Tab"], text: "Select the next / previous box" },
      { keys: ["←", "→", "↑", "↓"], text: "Move the selected box a pixel (with Shift: 10)" },
      { keys: ["Alt+arrows"], text: "Resize the selected box (its right and bottom edges)" },
      { keys: ["Delete"], text: "Remove the selected box" },
      { keys: ["Esc"], text: "Unselect the box (the arrows go back and forward again)" },
      { keys: ["Space+drag"], text: "Pan (also: drag outside the image, or with the middle button)" },
    ],

    onCategory(name) {
      current = name;
      if (selected >= 0) {
        boxes[selected].category = name;
        touched(selected);
        style(selected);
      }
      app.renderSelection();
    },

    confirm(startedAt) {
      if (!item) return true;
      if (boxes.length && !size) { app.flash("The image is still loading: wait for it, then confirm."); return true; }
      const label = boxes.map((box) => {
        const b = clamp({ ...box, x: round(box.x), y: round(box.y), w: round(box.w), h: round(box.h) });
        return { bbox: [b.x, b.y, b.w, b.h], category: b.category };
      });
      drafts.delete(item.id);
      item = null;   // decided: the render that follows keeps no draft of it
      entry = null;
      app.decideLabel(label, startedAt);
      return true;
    },

    prepare(shown, viewPrepared) {
      const url = shown.media && shown.media.size;
      const known = url ? request(url).catch(() => null) : Promise.resolve(null);
      return Promise.all([viewPrepared, known]).then(([prepared, original]) => {
        if (!prepared || prepared.error) return prepared;
        if (!original || !(Number(original.width) > 0) || !(Number(original.height) > 0)) {
          return { error: "The image's size could not be read, so boxes can't be drawn on it. Skip it (S)." };
        }
        return { ...prepared, size: { width: Number(original.width), height: Number(original.height) } };
      });
    },

    reset(next, nextEntry) {
      if (next === item && nextEntry === entry) return;   // the same thing is on screen: keep the work
      if (item && !entry) {
        drafts.delete(item.id);
        if (boxes.length) drafts.set(item.id, boxes);
        while (drafts.size > DRAFTS) drafts.delete(drafts.keys().next().value);
      }
      item = next;
      entry = nextEntry;
      selected = -1;
      if (entry) {
        boxes = entry.status === "labeled" && Array.isArray(entry.label) ? entry.label.map((b) => toBox(b, false)) : [];
      } else if (item) {
        boxes = drafts.get(item.id) || (Array.isArray(item.suggestion) ? item.suggestion.map((b) => toBox(b, true)) : []);
      } else {
        boxes = [];
      }
      size = null;
      redraw();
    },

    show(shown, prepared, view) {
      if (shown !== item) return;
      if (!prepared || prepared.error || !prepared.size || !view.setOverlay) {
        if (mounted && mounted.setOverlay) mounted.setOverlay(null);
        mounted = null;
        return;
      }
      size = prepared.size;
      const img = view.image();
      svg.setAttribute("viewBox", `0 0 ${size.width} ${size.height}`);
      svg.setAttribute("preserveAspectRatio", "none");
      svg.setAttribute("width", img ? img.naturalWidth : size.width);
      svg.setAttribute("height", img ? img.naturalHeight : size.height);
      background.setAttribute("width", size.width);
      background.setAttribute("height", size.height);
      svg.dataset.width = String(size.width);
      svg.dataset.height = String(size.height);
      boxes.forEach(clamp);
      mounted = view;
      view.setOverlay(svg, rescale);
      redraw();
    },

    handleKey(event) {
      const key = event.key.toLowerCase();
      if (key === "tab") {
        if (!boxes.length) { app.flash("No box yet: drag on the image to draw one."); return true; }
        const n = boxes.length;
        select(selected < 0 ? (event.shiftKey ? n - 1 : 0) : (selected + (event.shiftKey ? n - 1 : 1)) % n);
        return true;
      }
      if (key.startsWith("arrow")) {
        if (selected < 0) {
          if (!event.altKey) return false;   // back and forward
          app.flash("Select a box first (Tab), then Alt+arrows resize it.");
          return true;                       // never the browser's Alt+← (leaving the page)
        }
        nudge(key, event.shiftKey ? 10 : 1, event.altKey);
        return true;
      }
      if (key === "delete") {
        if (event.repeat) return true;
        if (selected < 0) { app.flash("Select a box first (Tab or a click), then Delete removes it."); return true; }
        remove();
        return true;
      }
      if (key === "escape" && selected >= 0) { select(-1); return true; }
      return false;
    },

    pressed(name) { return name === current; },
    canConfirm() { return true; },

    describe(label) {
      if (!Array.isArray(label)) return String(label);
      if (!label.length) return "no object";
      const counts = new Map();
      for (const box of label) counts.set(box.category, (counts.get(box.category) || 0) + 1);
      return `${label.length} box${label.length > 1 ? "es" : ""}: ` +
        [...counts].map(([name, n]) => (n > 1 ? `${n} ${name}` : name)).join(", ");
    },

    categoryHelp(name) { return `Class ${name} for the selected box and the next ones`; },

    /** A category button shows its boxes' colour (its name stays the way to tell them apart). */
    decorateCategory(button, name) { button.style.setProperty("--al-box-color", colorOf.get(name) || "#444"); },

    /** The boxes on screen, in original pixels (for the tests). */
    boxes() { return boxes.map((b) => ({ bbox: [b.x, b.y, b.w, b.h], category: b.category, suggested: b.suggested })); },
  };
  return task;
}
