// The two queues that keep the annotator from ever waiting on the network:
// - SendQueue: decisions sent in the background, one request per decision, retried with backoff
//   on network failures and 5xx, never sent twice once acknowledged;
// - Prefetcher: the next items reserved ahead of time, their media loaded before they are shown.

const MAX_BACKOFF_MS = 15000;

/**
 * A decision the annotator made on one item.
 * state: "queued" | "sending" | "retrying" | "saved" | "failed" | "superseded"
 */
export class Decision {
  constructor({ itemId, type, label = null, comment = "", change = false }) {
    this.itemId = itemId;
    this.change = change;      // a new decision on an item already decided (from the history)
    this.type = type;          // "label" or "skip"
    this.label = label;        // a name, a list of names (multi-label), null for a skip
    this.comment = comment;
    this.state = "queued";
    this.attempts = 0;
    this.labelId = null;
    this.error = null;         // ApiError of the last failure
    this.retryAt = 0;
    this.done = new Promise((resolve) => { this._resolve = resolve; });
  }

  get pending() { return this.state === "queued" || this.state === "sending" || this.state === "retrying"; }
}

export class SendQueue {
  /**
   * @param {(d: Decision) => Promise<Object>} send the API call for one decision
   * @param {() => void} onChange called whenever a decision changes state
   * @param {(d: Decision) => Promise<Object|null>} landed after a request that got no answer, tells
   *   whether the service has the decision anyway (its answer) or not (null), before sending again
   */
  constructor(send, onChange = () => {}, landed = async () => null) {
    this._send = send;
    this._landed = landed;
    this._onChange = onChange;
    this._queue = [];          // decisions not yet acknowledged, oldest first; [0] may be in flight
    this._inFlight = null;
    this._timer = null;
    this.sentRequests = 0;     // every request started, for the tests and the benchmark
    window.addEventListener("online", () => this.retryNow());
  }

  /** Decisions not acknowledged yet (what closing the page would lose). */
  get pendingCount() { return this._queue.length; }

  get pending() { return this._queue.slice(); }

  /** Queue a decision; a queued, unsent decision on the same item is replaced by this one. */
  push(decision) {
    for (let i = 0; i < this._queue.length; i++) {
      const other = this._queue[i];
      if (other.itemId === decision.itemId && other !== this._inFlight) {
        // Replacing a first decision never sent: this one is the item's first decision now.
        if (!other.change) decision.change = false;
        other.state = "superseded";
        other._resolve(other);
        this._queue.splice(i, 1);
        i--;
      }
    }
    this._queue.push(decision);
    this._onChange();
    this._pump();
    return decision;
  }

  /** Retry at once what waits for a retry (the network came back, or the user asked). */
  retryNow() {
    if (this._timer) { clearTimeout(this._timer); this._timer = null; }
    this._pump();
  }

  async _pump() {
    if (this._inFlight || this._timer || !this._queue.length) return;
    const decision = this._queue[0];
    this._inFlight = decision;
    decision.state = "sending";
    decision.attempts += 1;
    this._onChange();
    const sentAt = performance.now();
    try {
      // The last attempt got no answer at all: it may have been stored. Never store it twice.
      const known = decision.unanswered ? await this._landed(decision) : null;
      if (!known) this.sentRequests += 1;
      const answer = known || await this._send(decision);
      decision.roundTrip = performance.now() - sentAt;
      decision.labelId = answer && answer.label_id !== undefined ? answer.label_id : null;
      decision.answer = answer;
      decision.state = "saved";
      decision.error = null;
      this._queue.shift();
      this._inFlight = null;
      decision._resolve(decision);
    } catch (error) {
      this._inFlight = null;
      decision.error = error;
      decision.unanswered = Boolean(error && error.status === 0);
      if (error && error.retriable) {
        // A later decision on the same item, made while this one was in flight (so push() could
        // not replace it): this one is not sent again, the later one replaces it as if it had
        // been queued all along. Were this attempt stored after all, the later one changes it.
        const later = this._queue.find((d) => d !== decision && d.itemId === decision.itemId);
        if (later) {
          if (!decision.change) later.change = false;
          decision.state = "superseded";
          this._queue.shift();
          decision._resolve(decision);
          this._onChange();
          this._pump();
          return;
        }
        // Keep it at the head: decisions reach the service in the order they were made.
        decision.state = "retrying";
        const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(decision.attempts - 1, 5));
        decision.retryAt = Date.now() + delay;
        this._timer = setTimeout(() => { this._timer = null; this._pump(); }, delay);
        this._onChange();
        return;
      }
      decision.state = "failed";
      this._queue.shift();
      decision._resolve(decision);
    }
    this._onChange();
    this._pump();
  }
}

export class Prefetcher {
  /**
   * @param {(size: number) => Promise<Object>} fetchBatch GET /api/batch
   * @param {(item: Object) => Promise<any>} prepare loads an item's media (resolves even on failure)
   * @param {{size?: number, low?: number, onStats?: Function, onError?: Function, onChange?: Function,
   *   onStale?: Function}} options `onStale(ids)`: items dropped because a new queries generation
   *   (a new active-learning round) came; the page gives back their reservations.
   */
  constructor(fetchBatch, prepare, { size = 10, low = 5, onStats = () => {}, onError = () => {},
    onChange = () => {}, onStale = () => {} } = {}) {
    this._fetchBatch = fetchBatch;
    this._prepare = prepare;
    this._size = size;
    this._low = low;
    this._onStats = onStats;
    this._onError = onError;
    this._onChange = onChange;
    this._onStale = onStale;
    this.generation = null;     // the queries generation the loaded items were served from
    this.items = [];            // upcoming items, in serving order
    this.prepared = new Map();  // item id -> promise of the prepared media
    this.exhausted = false;     // the last batch came back empty
    this.held = null;           // a short batch's `held`: what others hold, and when it may come free
    this.answered = 0;          // batches answered so far
    this._loading = null;
    this._seen = new Set();     // ids served in this page (never shown twice)
  }

  /** Remember ids the page already showed or decided, so a later batch doesn't show them again. */
  markSeen(id) { this._seen.add(id); }

  /** Ids reserved for this page and not decided yet. */
  reservedIds() { return this.items.map((item) => item.id); }

  /** True while a batch is asked for. */
  get loading() { return Boolean(this._loading); }

  /** Drop loaded items the page no longer holds (someone else may label them); refill. */
  drop(ids) {
    const gone = new Set(ids);
    const kept = this.items.filter((item) => !gone.has(item.id));
    if (kept.length === this.items.length) return;
    for (const item of this.items) if (gone.has(item.id)) this.prepared.delete(item.id);
    this.items = kept;
    this.fill();
  }

  /**
   * A newer queries generation than the loaded items' (an answer said so): drop the items not shown
   * yet, so that the next item shown comes from the new round. True when it was newer.
   */
  noteGeneration(generation) {
    if (!Number.isFinite(generation)) return false;
    if (this.generation === null) { this.generation = generation; return false; }
    if (generation <= this.generation) return false;
    this.generation = generation;
    const stale = this.items;
    this.items = [];
    for (const item of stale) this.prepared.delete(item.id);
    if (stale.length) this._onStale(stale.map((item) => item.id));
    return true;
  }

  /** The next item, or null when none is loaded; refills in the background. */
  take() {
    const item = this.items.shift() || null;
    if (item) this._seen.add(item.id);
    this.fill();
    return item;
  }

  /** Fetch a batch (of `size` items) when few items are left, or when forced; resolves when it is in. */
  fill(force = false, size = this._size) {
    if (this._loading) return this._loading;
    if (!force && (this.items.length >= this._low || this.exhausted)) return Promise.resolve();
    this._loading = (async () => {
      try {
        const answer = await this._fetchBatch(size);
        if (answer.stats) this._onStats(answer.stats);
        this.noteGeneration(answer.generation);
        // An answer from before the round the page already follows: its items are the old order's.
        const old = Number.isFinite(answer.generation) && answer.generation < this.generation;
        if (old && (answer.items || []).length) this._onStale(answer.items.map((item) => item.id));
        const known = new Set(this.items.map((item) => item.id));
        let added = 0;
        for (const item of old ? [] : answer.items || []) {
          if (this._seen.has(item.id) || known.has(item.id)) continue;
          known.add(item.id);
          this.items.push(item);
          this.prepared.set(item.id, this._prepare(item));
          added += 1;
        }
        this.exhausted = !(answer.items || []).length;
        this.held = answer.held || null;
        this.answered += 1;
        // Only items already shown came back (their decisions may not have reached the service yet).
        if (old) setTimeout(() => this.fill(true), 0);
        else if (!added && !this.exhausted) setTimeout(() => this.fill(), 1000);
        this._onError(null);
      } catch (error) {
        this._onError(error);
        // Try again later without blocking the annotator on what is already loaded.
        setTimeout(() => this.fill(), 3000);
      } finally {
        this._loading = null;
        this._onChange();
      }
    })();
    return this._loading;
  }

  /** Forget the prepared media of an item no longer needed (frees blob URLs). */
  forget(id, dispose = () => {}) {
    const prepared = this.prepared.get(id);
    if (prepared) prepared.then(dispose, () => {});
    this.prepared.delete(id);
  }
}

/**
 * Runs media loads a few at a time, in the order asked (urgent ones first), so that prefetching
 * never takes every connection the browser allows per host: API calls (labels, batches) get through.
 */
export class MediaLoader {
  constructor(limit) {
    this._limit = limit;
    this._running = 0;
    this._waiting = [];
  }

  /** Run `task` (returns a promise) when a slot is free; resolves with its result. */
  run(task, urgent = false) {
    return new Promise((resolve, reject) => {
      const job = { task, resolve, reject };
      if (urgent) this._waiting.unshift(job); else this._waiting.push(job);
      this._next();
    });
  }

  _next() {
    while (this._running < this._limit && this._waiting.length) {
      const job = this._waiting.shift();
      this._running += 1;
      Promise.resolve().then(job.task).then(job.resolve, job.reject).finally(() => {
        this._running -= 1;
        this._next();
      });
    }
  }
}
