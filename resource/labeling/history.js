// The annotator's trail through their decisions: what this page decided (possibly still being
// sent) preceded by older decisions fetched from the service on demand (GET /api/history).

export class Trail {
  /**
   * @param {{before: Function, latest: Function}} source history calls of the API
   * @param {() => void} onPrepend called when an older entry is put first (indexes shift by one)
   */
  constructor(source, onPrepend = () => {}) {
    this._source = source;
    this._onPrepend = onPrepend;
    this.entries = [];       // oldest first; entry.position is 0-based, as the service counts
    this.count = 0;          // how many decisions the annotator has in total
    this._older = null;      // promise of the older entry being fetched
    this.startReached = false;
  }

  /** Entry from a history answer. */
  static fromServer(entry) {
    return { item: entry.item || { id: entry.id, data: {}, media: null, al: null, error: null },
      status: entry.status, label: entry.label, comment: entry.comment || "",
      labelId: entry.label_id, position: entry.position, decision: null, fromServer: true };
  }

  /** Start from the count of decisions the annotator already has. */
  async init() {
    const answer = await this._source.latest();
    this.count = answer.entry ? Number(answer.entry.count) || 0 : 0;
    this.startReached = !answer.entry;
    this._latest = answer.entry ? Trail.fromServer(answer.entry) : null;
  }

  /** Record a new decision of this page. */
  add(item, decision) {
    this.count += 1;
    const entry = { item, status: decision.type === "skip" ? "skipped" : "labeled", label: decision.label,
      comment: decision.comment, labelId: null, position: this.count - 1, decision, fromServer: false };
    decision.done.then((d) => { if (d.state === "saved" && entry.labelId === null) entry.labelId = d.labelId; });
    this.entries.push(entry);
    return entry;
  }

  /** A later decision on an entry's item (a change): the entry keeps its place. */
  change(entry, decision) {
    entry.status = decision.type === "skip" ? "skipped" : "labeled";
    entry.label = decision.label;
    entry.comment = decision.comment;
    entry.decision = decision;
    // When it replaced the entry's first decision before that one was sent, this one places it.
    decision.done.then((d) => { if (d.state === "saved" && entry.labelId === null) entry.labelId = d.labelId; });
  }

  /**
   * Fetch the entry before the oldest one known and put it first.
   * Resolves to true when one was added, false at the start of the history.
   */
  loadOlder() {
    if (this.startReached) return Promise.resolve(false);
    if (this._older) return this._older;
    this._older = (async () => {
      try {
        let answer;
        if (!this.entries.length) {
          if (this._latest === undefined) await this.init();
          const latest = this._latest;
          this._latest = null;
          if (!latest) { this.startReached = true; return false; }
          this.entries.unshift(latest);
          this._onPrepend();
          return true;
        }
        const oldest = this.entries[0];
        if (oldest.labelId === null && oldest.decision) await oldest.decision.done;
        if (oldest.labelId === null) {
          throw new Error("your first decisions in this page are not saved yet. Try again once the header says All saved.");
        }
        answer = await this._source.before(oldest.labelId);
        if (!answer.entry) { this.startReached = true; return false; }
        const known = new Set(this.entries.map((e) => e.item.id));
        const entry = Trail.fromServer(answer.entry);
        if (known.has(entry.item.id)) { this.startReached = true; return false; }
        this.entries.unshift(entry);
        this._onPrepend();
        return true;
      } finally {
        this._older = null;
      }
    })();
    return this._older;
  }
}
