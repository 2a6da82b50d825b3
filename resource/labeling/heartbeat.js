// The page's heartbeat (POST /api/renew, docs/api.md): the page's reservations lapse a lease
// (about a minute) after its last beat, so the items of a tab that died without a word (a crash,
// a lost network) soon go to someone else, while an open page keeps them.
import { api } from "./api.js";

const ACTIVITY = ["keydown", "pointerdown", "wheel", "touchstart", "input", "scroll", "play"];

export class Heartbeat {
  /**
   * Beats three times per lease. Each beat says whether the annotator did anything on the page
   * since the last one: only then does the reservation time of the page's items start again (so
   * an open page nobody works on gives its items up after the reservation time), and the page
   * takes back the items it shows or has loaded that lapsed while nobody took them. A tab hidden
   * for minutes is throttled by the browser and may lose its items: it beats again as it shows.
   *
   * @param {number} lease seconds (GET /api/config's lease_seconds)
   * @param {import("./queue.js").Prefetcher} prefetch the items loaded ahead
   * @param {() => (string|null)} shown the id of the new item on screen, if any
   */
  constructor(lease, prefetch, shown) {
    this._prefetch = prefetch;
    this._shown = shown;
    this.active = true;
    this.beats = 0;              // beats answered, for the tests
    const busy = () => { this.active = true; };
    for (const type of ACTIVITY) document.addEventListener(type, busy, { capture: true, passive: true });
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") { busy(); this.beat(); }
    });
    this.every = Math.max(1, Math.min(30, lease / 3));
    this._timer = setInterval(() => this.beat(), this.every * 1000);
  }

  async beat() {
    const active = this.active;
    this.active = false;
    const prefetch = this._prefetch;
    const loaded = prefetch.reservedIds();
    const shown = this._shown();
    const answered = prefetch.answered;
    const settled = !prefetch.loading;
    let answer;
    try {
      answer = await api.renew(active, active ? (shown ? [shown, ...loaded] : loaded) : undefined);
    } catch (error) {
      if (active) this.active = true;   // say it again on the next beat
      return;
    }
    this.beats += 1;
    // A new round of queries: what was loaded ahead from the old order is given back (queue.js).
    if (prefetch.noteGeneration(answer.generation)) prefetch.fill(true);
    // Loaded items the page no longer holds may go to someone else: drop them, unless a batch
    // answered meanwhile (its items are not in this answer).
    if (settled && !prefetch.loading && answered === prefetch.answered && Array.isArray(answer.held)) {
      const held = new Set(answer.held);
      prefetch.drop(loaded.filter((id) => !held.has(id)));
    }
  }
}
