// An empty pool, said as such: nobody else holds its items, there are none. GET /api/config's
// "empty_pool" says why when the backend knows (no rows; files of another kind than the one served).
import { el, replaceChildren } from "./escape.js";

/**
 * Show on `stage` why there is nothing to label when the pool has no item (`stats.total` is 0);
 * returns whether it did. `config`: what GET /api/config answered; `stats`: the latest counts.
 */
export function renderEmptyPool(stage, config, stats) {
  if (!stats || Number(stats.total) !== 0) return false;
  const reason = config && config.empty_pool ? String(config.empty_pool)
    : "The data given to this labeling app holds no item.";
  replaceChildren(stage, el("div", { class: "al-done al-empty-pool" },
    el("p", { class: "al-done-title", text: "The pool is empty: there is nothing to label." }),
    el("p", { class: "al-muted", text: reason }),
    el("p", { class: "al-muted", text: "Once items are added, reload this page." })));
  return true;
}
