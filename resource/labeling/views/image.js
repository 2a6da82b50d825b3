// Images: fit to the viewport, zoom (wheel, + and -), pan (drag), original size on demand.
// Images are decoded ahead of time (prepare), so showing the next one is a DOM swap.
// A task that draws on the image (boxes) lays an overlay over it (setOverlay): the overlay gets
// the image's transform, so it zooms and pans with it, and takes the drags that start on it.
import { backendUrl } from "../api.js";
import { el, replaceChildren } from "../escape.js";

export const TITLE = "Label images";
export const LOAD_SLOTS = 3;   // image downloads at once, leaving connections to the API calls

const MIN_SCALE = 0.05;
const MAX_SCALE = 32;

export function createView(stage, ctx) {
  const viewport = el("div", { class: "al-image-viewport", tabindex: "-1" });
  const zoomLabel = el("span", { class: "al-zoom-label", "aria-live": "polite" });
  const button = (text, label, command) => el("button", { type: "button", class: "al-btn al-btn-small",
    "aria-label": label, title: label, text, onclick: () => apply(command) });
  const toolbar = el("div", { class: "al-image-tools", role: "toolbar", "aria-label": "Zoom" },
    button("−", "Zoom out (-)", "zoomOut"), button("+", "Zoom in (+)", "zoomIn"),
    button("Fit", "Fit to the screen (0)", "zoomFit"), button("1:1", "Original size (O)", "zoomOriginal"),
    zoomLabel);
  replaceChildren(stage, el("div", { class: "al-image" }, viewport, toolbar));

  let img = null;
  let view = { scale: 1, x: 0, y: 0, fit: true };
  let overlay = null;          // the task's layer over the image, or null
  let onOverlayChange = null;  // told the new transform when the image moves or zooms

  function natural() { return img ? { w: img.naturalWidth || 1, h: img.naturalHeight || 1 } : { w: 1, h: 1 }; }

  function render() {
    if (!img) { zoomLabel.textContent = ""; return; }
    img.style.transform = `translate(${view.x}px, ${view.y}px) scale(${view.scale})`;
    if (overlay) {
      overlay.style.transform = img.style.transform;
      if (onOverlayChange) onOverlayChange(view);
    }
    const { w, h } = natural();
    zoomLabel.textContent = `${Math.round(view.scale * 100)}%${view.fit ? " (fit)" : ""} · ${w}×${h}px`;
  }

  function centered(scale) {
    const { w, h } = natural();
    const vw = viewport.clientWidth, vh = viewport.clientHeight;
    return { scale, x: (vw - w * scale) / 2, y: (vh - h * scale) / 2 };
  }

  function fit() {
    const { w, h } = natural();
    const scale = Math.min(viewport.clientWidth / w, viewport.clientHeight / h) || 1;
    view = { ...centered(scale), fit: true };
    render();
  }

  function zoomAt(factor, px, py) {
    const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, view.scale * factor));
    const k = scale / view.scale;
    if (px === undefined) { px = viewport.clientWidth / 2; py = viewport.clientHeight / 2; }
    view = { scale, x: px - (px - view.x) * k, y: py - (py - view.y) * k, fit: false };
    render();
  }

  function apply(command) {
    if (!img) return false;
    if (command === "zoomIn") zoomAt(1.25);
    else if (command === "zoomOut") zoomAt(0.8);
    else if (command === "zoomFit") fit();
    else if (command === "zoomOriginal") { view = { ...centered(1), fit: false }; render(); }
    else return false;
    return true;
  }

  viewport.addEventListener("wheel", (event) => {
    if (!img) return;
    event.preventDefault();
    const rect = viewport.getBoundingClientRect();
    zoomAt(Math.exp(-event.deltaY * 0.0015), event.clientX - rect.left, event.clientY - rect.top);
  }, { passive: false });

  let drag = null;
  viewport.addEventListener("pointerdown", (event) => {
    if (!img || (event.button !== 0 && event.button !== 1)) return;   // left, or middle (over an overlay)
    if (event.button === 1) event.preventDefault();   // no autoscroll
    drag = { x: event.clientX, y: event.clientY, vx: view.x, vy: view.y };
    viewport.setPointerCapture(event.pointerId);
    viewport.classList.add("al-dragging");
  });
  viewport.addEventListener("pointermove", (event) => {
    if (!drag) return;
    view = { ...view, x: drag.vx + event.clientX - drag.x, y: drag.vy + event.clientY - drag.y, fit: false };
    render();
  });
  const endDrag = () => { drag = null; viewport.classList.remove("al-dragging"); };
  viewport.addEventListener("pointerup", endDrag);
  viewport.addEventListener("pointercancel", endDrag);
  // Refit when the viewport changes size (window resized, a message shown above the image).
  const refit = () => { if (img && view.fit) fit(); };
  if (window.ResizeObserver) new ResizeObserver(refit).observe(viewport);
  else window.addEventListener("resize", refit);

  return {
    prepare(item) {
      if (!item.media || !item.media.url) return Promise.resolve({ error: "This item has no image." });
      const image = new Image();
      image.className = "al-image-img";
      image.alt = `Image ${item.id}`;
      image.draggable = false;
      image.src = backendUrl(item.media.url);
      return image.decode().then(() => ({ image }),
        () => ({ error: "The image could not be loaded or decoded. Skip it (S), or reload the page if " +
          "every image fails." }));
    },
    show(item, prepared) {
      img = null;
      if (!prepared || prepared.error || !prepared.image) {
        // Still loading is no error: its own class and role, so that nobody (reader or test)
        // takes the placeholder for the failure it may never become.
        const failed = Boolean(prepared && prepared.error);
        replaceChildren(viewport, failed
          ? el("p", { class: "al-media-error", role: "alert", text: prepared.error })
          : el("p", { class: "al-media-loading al-muted", role: "status", text: "Loading the image…" }));
        render();
        return;
      }
      img = prepared.image.isConnected ? prepared.image.cloneNode() : prepared.image;
      replaceChildren(viewport, img, overlay);
      fit();
      // A copy may not have its size yet: fit it again once it has, unless zoomed or replaced since.
      const shown = img;
      if (!shown.complete) shown.addEventListener("load", () => { if (img === shown && view.fit) fit(); }, { once: true });
    },
    command: apply,
    dispose() {},
    /** The image on screen (null while loading or failed). */
    image: () => img,
    /**
     * Lay `element` over the image (null: none): it is given the image's transform, and
     * `onChange(view)` is called whenever the image moves or zooms.
     */
    setOverlay(element, onChange) {
      if (overlay && overlay !== element && overlay.parentNode === viewport) viewport.removeChild(overlay);
      overlay = element;
      onOverlayChange = onChange || null;
      if (overlay && img) {
        if (overlay.parentNode !== viewport) viewport.appendChild(overlay);
        render();
      }
    },
  };
}
