// The labeling app shared by the webapps: startLabelingApp({kind, root}).
// Keyboard first: a hotkey labels and shows the next item at once (prefetched); the label is
// sent in the background (SendQueue) and shown as pending until the service acknowledges it.
// What an item is (tabular, text, image, sound) is its kind's view (VIEWS); what a decision
// holds (a category, several, boxes) is the task's module (TASKS), named by GET /api/config.
import { api } from "./api.js";
import { renderEmptyPool } from "./empty.js";
import { el, replaceChildren } from "./escape.js";
import { renderHelp } from "./help.js";
import { Trail } from "./history.js";
import { Heartbeat } from "./heartbeat.js";
import { assignHotkeys, COMMAND_KEYS, isFreeHotkey, isTyping, keyLabel } from "./keyboard.js";
import { buildShell, renderCategories, renderItemStatus, renderNothingLeft, renderPosition,
  renderSelection } from "./panel.js";
import { Decision, MediaLoader, Prefetcher, SendQueue } from "./queue.js";
import { offerReviewMode, startReviewApp, wantsReview } from "./review.js";
import { renderStats } from "./stats.js";
import { renderRounds } from "./rounds.js";
import { renderStopping } from "./stopping.js";
import * as boxesTask from "./tasks/boxes.js";
import * as categoriesTask from "./tasks/categories.js";
import * as categoryTask from "./tasks/category.js";
import * as spansTask from "./tasks/spans.js";
import * as imageView from "./views/image.js";
import * as soundView from "./views/sound.js";
import * as tabularView from "./views/tabular.js";
import * as textView from "./views/text.js";

// One view module per kind: createView, its TITLE, LOAD_SLOTS (media loads at once: leaves some
// of the browser's 6 connections per host to the API calls), and optionally KEYS (key -> command,
// over COMMAND_KEYS) and REPEATABLE (its commands a held key repeats).
const VIEWS = { tabular: tabularView, text: textView, image: imageView, sound: soundView };
// One module per annotation task (active_labeling/tasks on the server): createTask(app) returns
// what category keys, Enter and the task's own keys do, how a label reads, what the ? panel says;
// optionally TITLE ({kind: title}) over the view's.
const TASKS = { category: categoryTask, categories: categoriesTask, boxes: boxesTask, spans: spansTask };
const CACHE_SIZE = 40;       // prepared media kept for going back
const BATCH = 10;
// How often the page asks for the stopping verdict (a retrain takes minutes; the call is cheap).
const STOPPING_POLL_MS = 30000;
const REPEATABLE = ["back", "forward", "zoomIn", "zoomOut"];

function loadStylesheet() {
  const href = new URL("./labeling.css", import.meta.url).href;
  if ([...document.querySelectorAll("link[rel=stylesheet]")].some((l) => l.href === href)) return;
  document.head.appendChild(el("link", { rel: "stylesheet", href }));
}

/** Start the app in `root` for one kind of item ("tabular", "text", "image" or "sound"). */
export async function startLabelingApp({ kind, root }) {
  if (!VIEWS[kind]) throw new Error(`unknown kind ${kind}`);
  loadStylesheet();
  if (wantsReview()) return startReviewApp({ kind, root });  // reviewers (issue 15)
  const app = new LabelingApp(kind, root);
  window.__labelingApp = app;
  await app.start();
  offerReviewMode(root, app.config);
  return app;
}

class LabelingApp {
  constructor(kind, root) {
    this.kind = kind;
    this.root = root;
    this.title = VIEWS[kind].TITLE;
    this.viewKeys = VIEWS[kind].KEYS || {};
    this.repeatable = new Set([...REPEATABLE, ...(VIEWS[kind].REPEATABLE || [])]);
    // Read by the browser tests and benchmarks/bench_ui.py: paint delays (ms) and label round trips.
    this.metrics = { samples: [], acks: [], sentRequests: 0, pending: 0 };
    window.__labelingMetrics = this.metrics;
    this.config = null;
    this.stats = null;
    this.fresh = null;         // the item served next (not decided yet)
    this.trailIndex = null;    // index in trail.entries when reviewing a past decision, else null
    this.task = null;          // the annotation task's part of the page (TASKS), once the config is read
    this.cache = new Map();    // item id -> {promise, value (once settled)}
    this.notices = new Map();  // key -> {text, action}
    this._commentFor = null;   // the trail entry whose comment the box shows (null: the new item)
    this._freshDraft = "";
    this.loader = new MediaLoader(VIEWS[kind].LOAD_SLOTS);
    buildShell(this);
  }

  // ---------------------------------------------------------------- setup
  async start() {
    let config;
    try {
      config = await api.config();
    } catch (error) {
      this.setNotice("start", `The labeling service could not be reached: ${error.message}`,
        { label: "Reload", run: () => window.location.reload() });
      return;
    }
    this.config = config;
    this.multi = Boolean(config.multi_label);
    this.categories = (config.categories || []).map((c) => ({ name: String(c.name),
      description: c.description ? String(c.description) : "", hotkey: c.hotkey }));
    const taskModule = TASKS[config.task] || (this.multi ? categoriesTask : categoryTask);
    this.task = taskModule.createTask(this);
    this._applyTask(taskModule);
    this._loadHotkeys();

    this.view = VIEWS[this.kind].createView(this.stage, { config });
    this.queue = new SendQueue((d) => (d.type === "skip" ? api.skip(d.itemId, d.comment)
      : api.label(d.itemId, d.label, d.comment)), () => this._onQueueChange(), (d) => this._landed(d));
    this.prefetch = new Prefetcher((size) => api.batch(size), (item) => this._prepare(item).promise, {
      size: BATCH, low: 6,
      onStats: (stats) => this._setStats(stats),
      onError: (error) => this.setNotice("batch", error && `Could not load the next items: ${error.message}`),
      onChange: () => { if (!this.fresh && this.trailIndex === null) this._showFresh(); },
      // A new active-learning round: the items loaded ahead from the old order are given back.
      onStale: (ids) => api.release(ids).catch(() => {}),
    });
    this.trail = new Trail({ before: api.historyBefore, latest: api.historyLatest },
      () => { if (this.trailIndex !== null) this.trailIndex += 1; });

    document.addEventListener("keydown", (event) => this._onKey(event));
    window.addEventListener("beforeunload", (event) => {
      if (this.queue.pendingCount > 0) { event.preventDefault(); event.returnValue = ""; return ""; }
      return undefined;
    });
    window.addEventListener("pagehide", () => {
      const ids = this.prefetch.reservedIds();
      if (this.fresh) ids.push(this.fresh.id);
      api.releaseBeacon(ids);
    });

    this.heartbeat = new Heartbeat(Number(config.lease_seconds) || 60, this.prefetch,
      () => (this.fresh ? this.fresh.id : null));
    this._pollStopping();
    setInterval(() => this._pollStopping(), STOPPING_POLL_MS);

    this._onQueueChange();
    // Items this tab held before a reload that didn't say so would stay out of reach until their
    // reservation expires: give them back, so that this load can serve them again.
    await api.releasePage().catch(() => {});
    await Promise.all([this.trail.init().catch(() => {}), this.prefetch.fill(true)]);
    if (!this.fresh) this._advanceFresh();   // the batch's arrival may have shown the first item already
    this._render();
    this.appRoot.dataset.ready = "true";
  }

  /** The task's title, confirm button and side heading. */
  _applyTask(taskModule) {
    const title = taskModule.TITLE && taskModule.TITLE[this.kind];
    if (title) { this.title = title; this.titleBox.textContent = title; }
    this.confirmButton.hidden = !this.task.confirms;
    if (this.task.confirms) {
      this.confirmButton.textContent = this.task.confirmText;
      this.confirmButton.setAttribute("aria-label", this.task.confirmAria);
    }
    this.sideTitle.textContent = this.task.sideTitle;
    if (this.task.controls) this.confirmButton.after(this.task.controls);   // the task's own buttons
    this.appRoot.dataset.task = taskModule.NAME;
  }

  /** When only items held elsewhere are left, look again when the first may come free. */
  _recheckWhenFree() {
    clearTimeout(this._recheckTimer);
    const held = this.prefetch.held;
    if (!held || !held.count || held.first_free_in === null || held.first_free_in === undefined) return;
    const seconds = Math.max(1, Math.min(120, Number(held.first_free_in) + 0.5));
    this._recheckTimer = setTimeout(() => {
      if (!this.fresh && this.prefetch.exhausted) this.prefetch.fill(true);
    }, seconds * 1000);
  }

  _hotkeyStorageKey() { return `active-labeling.hotkeys.${this.kind}`; }

  _loadHotkeys() {
    let overrides = {};
    try { overrides = JSON.parse(window.localStorage.getItem(this._hotkeyStorageKey()) || "{}") || {}; }
    catch (e) { overrides = {}; }
    this.hotkeys = assignHotkeys(this.categories, overrides);
    this.keyToCategory = new Map([...this.hotkeys].map(([name, key]) => [key, name]));
    renderCategories(this);
  }

  setHotkey(name, key) {
    const k = String(key || "").toLowerCase();
    if (!isFreeHotkey(k)) return `“${key}” can't be a hotkey: use a digit 1-9 or a letter not used by a command.`;
    const owner = this.keyToCategory.get(k);
    if (owner && owner !== name) return `“${keyLabel(k)}” is already the hotkey of ${owner}.`;
    let overrides = {};
    try { overrides = JSON.parse(window.localStorage.getItem(this._hotkeyStorageKey()) || "{}") || {}; }
    catch (e) { overrides = {}; }
    overrides[name] = k;
    try { window.localStorage.setItem(this._hotkeyStorageKey(), JSON.stringify(overrides)); } catch (e) { /* */ }
    this._loadHotkeys();
    renderSelection(this);
    return null;
  }

  // ---------------------------------------------------------------- media cache
  _prepare(item, urgent = false) {
    let entry = this.cache.get(item.id);
    if (entry) {
      this.cache.delete(item.id);   // refresh its place in the LRU order
      this.cache.set(item.id, entry);
      return entry;
    }
    entry = { value: undefined, promise: null };
    const prepare = () => (this.task.prepare ? this.task.prepare(item, this.view.prepare(item))
      : this.view.prepare(item));
    entry.promise = Promise.resolve()
      .then(() => (item.error ? { error: item.error } : this.loader.run(prepare, urgent)))
      .catch(() => ({ error: "This item could not be loaded. Skip it (S)." }))
      .then((value) => { entry.value = value; return value; });
    this.cache.set(item.id, entry);
    while (this.cache.size > CACHE_SIZE) {
      const [oldId, old] = this.cache.entries().next().value;
      this.cache.delete(oldId);
      old.promise.then((v) => this.view.dispose(v));
    }
    return entry;
  }

  // ---------------------------------------------------------------- navigation
  /** The item on screen and, when reviewing, its trail entry. */
  get current() {
    if (this.trailIndex !== null) {
      const entry = this.trail.entries[this.trailIndex];
      return { item: entry.item, entry };
    }
    return { item: this.fresh, entry: null };
  }

  _advanceFresh() {
    this.fresh = this.prefetch.take();
    if (!this.fresh && !this.prefetch.exhausted) this.prefetch.fill();
  }

  _showFresh() {
    if (!this.fresh) this._advanceFresh();
    this._render();
  }

  back() {
    if (!this.trail) return;
    if (this.trailIndex === null && this.trail.entries.length) {
      this.trailIndex = this.trail.entries.length - 1;
    } else if (this.trailIndex !== null && this.trailIndex > 0) {
      this.trailIndex -= 1;
    } else {
      // At the oldest entry this page knows: ask the service for the one before.
      this._flash("Loading…");
      this.trail.loadOlder().then((added) => {
        if (!added) { this._flash("This is the first item you decided."); return; }
        this.setNotice("flash", null);
        this.trailIndex = this.trailIndex === null ? 0 : this.trailIndex - 1;
        this._render();
      }, (error) => this.setNotice("history", `Could not load your previous decisions: ${error.message}`));
      return;
    }
    this._render();
    // Fetch the next older one ahead, so that going further back doesn't wait either.
    if (this.trailIndex === 0) this.trail.loadOlder().catch(() => {});
  }

  forward() {
    if (this.trailIndex === null) { this._flash("You are on the newest item."); return; }
    if (this.trailIndex < this.trail.entries.length - 1) this.trailIndex += 1;
    else this.trailIndex = null;
    this._render();
  }

  // ---------------------------------------------------------------- decisions
  _decide(type, label, startedAt) {
    const { item, entry } = this.current;
    if (!item) return;
    const comment = this.comment.value.trim();
    if (entry) {
      const same = entry.status === (type === "skip" ? "skipped" : "labeled") &&
        JSON.stringify(entry.label ?? null) === JSON.stringify(label ?? null) && comment === (entry.comment || "");
      if (!same) {
        const decision = this.queue.push(new Decision({ itemId: item.id, type, label, comment, change: true }));
        this.trail.change(entry, decision);
      }
      this.forward();
    } else {
      const decision = new Decision({ itemId: item.id, type, label, comment });
      this.trail.add(item, decision);
      this.queue.push(decision);
      this.prefetch.markSeen(item.id);
      this.comment.value = "";
      this._advanceFresh();
      this._render();
    }
    this._measure(startedAt, type);
  }

  /**
   * After a request that got no answer, did the decision reach the service anyway? A first
   * decision on an item is then the newest entry of the caller's history. Resolves to an answer
   * like the POST's, or null when it did not land (and it is sent again).
   */
  async _landed(decision) {
    if (decision.change) return null;   // a change keeps its old place: resending it is harmless
    const answer = await api.historyLatest();
    const e = answer.entry;
    const status = decision.type === "skip" ? "skipped" : "labeled";
    if (e && e.id === decision.itemId && e.status === status && (e.comment || "") === decision.comment &&
        JSON.stringify(e.label ?? null) === JSON.stringify(decision.label ?? null)) {
      return { label_id: e.label_id, id: e.id, stats: null };
    }
    return null;
  }

  label(name, startedAt) { this._decide("label", name, startedAt); }

  /** Label the item on screen with what the task made of it (several categories, boxes). */
  decideLabel(label, startedAt) { this._decide("label", label, startedAt); }

  skip(startedAt) { this._decide("skip", null, startedAt); }

  /** Show the category buttons' state again (the task's choice changed). */
  renderSelection() { renderSelection(this); }

  /** A short message that goes away by itself. */
  flash(text) { this._flash(text); }

  /** Record the time from the key press to the next frame painted. */
  _measure(startedAt, type) {
    if (startedAt === undefined) return;
    const item = this.current.item;
    const itemId = item ? item.id : null;
    // Was the next item's media already loaded (prefetched) when it was shown?
    const cached = item ? this.cache.get(item.id) : null;
    const ready = Boolean(cached && cached.value !== undefined && !cached.value.error);
    requestAnimationFrame(() => {
      const channel = new MessageChannel();  // runs right after the frame is painted
      channel.port1.onmessage = () => {
        this.metrics.samples.push({ ms: performance.now() - startedAt, type, itemId, kind: this.kind, ready });
      };
      channel.port2.postMessage(null);
    });
  }

  // ---------------------------------------------------------------- keyboard
  command(name, startedAt) {
    switch (name) {
      case "back": this.back(); return true;
      case "forward": this.forward(); return true;
      case "skip": this.skip(startedAt); return true;
      case "confirm": return this.task.confirms ? this.task.confirm(startedAt) : false;
      case "help": this.toggleHelp(); return true;
      case "comment": this.comment.focus(); return true;
      case "escape": if (!this.helpPanel.hidden) { this.toggleHelp(false); return true; } return false;
      default: return Boolean(this.view && this.view.command(name));
    }
  }

  _onKey(event) {
    if (event.ctrlKey || event.metaKey) return;
    if (event.key === "Escape" && !this.helpPanel.hidden) { this.toggleHelp(false); event.preventDefault(); return; }
    if (isTyping(event)) {
      if (event.key === "Escape") { event.target.blur(); event.preventDefault(); }
      return;
    }
    // The event's own time stamp: when the browser got the key, before our handler ran.
    const startedAt = event.timeStamp > 0 ? event.timeStamp : performance.now();
    let key = event.key.toLowerCase();
    // Other keyboard layouts (Cyrillic, Greek...): use the key's place on a US keyboard.
    if (key.length === 1 && !/[\x20-\x7e]/.test(key) && /^Key[A-Z]$/.test(event.code)) {
      key = event.code.slice(3).toLowerCase();
    }
    if (!this.helpPanel.hidden && key !== "?" && key !== "escape") return;
    if (!this.config) return;
    // The task's own keys first (boxes: Tab, arrows, Alt+arrows, Delete), then Alt is not ours.
    if (this.task.handleKey && this.current.item && this.task.handleKey(event, startedAt)) {
      event.preventDefault();
      return;
    }
    if (event.altKey) return;
    const category = this.keyToCategory.get(key);
    if (category !== undefined) {
      event.preventDefault();
      if (event.repeat) return;   // a held key labels one item, not a whole run
      this.task.onCategory(category, startedAt);
      return;
    }
    const command = this.viewKeys[key] || COMMAND_KEYS[key];
    if (!command) return;
    if (event.repeat && !this.repeatable.has(command)) { event.preventDefault(); return; }
    if (this.command(command, startedAt)) event.preventDefault();
  }

  // ---------------------------------------------------------------- rendering
  _render() {
    this._renderCount = (this._renderCount || 0) + 1;
    const { item, entry } = this.current;
    // The comment box shows the reviewed decision's comment; a draft on the new item is kept aside.
    const showing = entry || null;
    if (showing !== this._commentFor) {
      if (this._commentFor === null) this._freshDraft = this.comment.value;
      this.comment.value = showing ? showing.comment || "" : this._freshDraft || "";
      if (!showing) this._freshDraft = "";
      this._commentFor = showing;
    }
    this.task.reset(item, entry);
    if (!item) {
      this.stage.dataset.itemId = "";
      renderNothingLeft(this.stage, this.prefetch.exhausted, this.prefetch.held, this.config.lease_seconds);
      if (this.prefetch.exhausted) renderEmptyPool(this.stage, this.config, this.stats);  // says why instead
      if (this.prefetch.exhausted) this._recheckWhenFree();
      this._viewDetached = true;
    } else {
      if (this._viewDetached) {
        this.view = VIEWS[this.kind].createView(this.stage, { config: this.config });
        this._viewDetached = false;
      }
      const prepared = this._prepare(item, true);
      this._show(item, prepared.value);
      this.stage.dataset.itemId = item.id;
      if (prepared.value === undefined) {
        // Shown once loaded, unless the page rendered since: that render showed it or waits for it
        // itself (showing it twice would reset a sound, or clone an image already on screen).
        const render = this._renderCount;
        prepared.promise.then((value) => {
          if (this._renderCount === render && this.current.item === item) this._show(item, value);
        });
      }
      this.setNotice("item", item.error ? `This item can't be shown: ${item.error} Skip it (S).` : null);
    }
    renderItemStatus(this);
    renderSelection(this);
    renderPosition(this);
    this.backButton.disabled = false;
    this.forwardButton.disabled = this.trailIndex === null;
    this.skipButton.disabled = !item;
  }

  /** The view shows the item's media, then the task its part (boxes drawn over the image). */
  _show(item, value) {
    this.view.show(item, value);
    if (this.task.show) this.task.show(item, value, this.view);
  }

  _setStats(stats) {
    if (!stats) return;
    // Answers can arrive out of order (a batch computed before a label that was acknowledged
    // first): decisions only add up, so never go back to an older snapshot.
    const done = (s) => (Number(s.labeled) || 0) + (Number(s.skipped) || 0);
    if (this.stats && done(stats) < done(this.stats)) return;
    this.stats = stats;
    renderStats(this.statsBox, stats, this.categories || []);
    renderRounds(this.roundsBox, this._rounds, stats.model_agreement);   // this round's live point
  }

  // The stopping verdict comes with GET /api/stats only (batches and labels carry plain counts).
  _pollStopping() {
    api.stats().then((stats) => {
      this._rounds = stats.stopping && stats.stopping.history;
      this._setStats(stats);
      renderStopping(this.stoppingBanner, this.stoppingLine, stats.stopping);
      renderRounds(this.roundsBox, this._rounds, this.stats && this.stats.model_agreement);
    }).catch(() => {});   // a hint: the next poll tries again, labeling goes on
  }

  _onQueueChange() {
    const pending = this.queue.pending;
    this.metrics.pending = pending.length;
    this.metrics.sentRequests = this.queue.sentRequests;
    const retrying = pending.find((d) => d.state === "retrying");
    this.sync.className = `al-sync ${retrying ? "al-sync-warn" : pending.length ? "al-sync-busy" : "al-sync-ok"}`;
    this.sync.dataset.pending = String(pending.length);
    if (retrying) {
      const seconds = Math.max(0, Math.round((retrying.retryAt - Date.now()) / 1000));
      this.sync.textContent = `${pending.length} unsent`;
      this.setNotice("send", `${pending.length} decision${pending.length > 1 ? "s are" : " is"} not saved yet. ` +
        `${retrying.error ? retrying.error.message : ""} Next try in ${seconds} s; keep this page open.`,
      { label: "Retry now", run: () => this.queue.retryNow() });
    } else {
      this.sync.textContent = pending.length ? `Saving ${pending.length}…` : "All saved";
      this.setNotice("send", null);
    }
    // Acknowledged decisions bring fresh stats; refused ones are reported where the user looks.
    for (const entry of this.trail ? this.trail.entries.slice(-CACHE_SIZE) : []) {
      const d = entry.decision;
      if (d && d.state === "saved" && d.answer && !d._statsSeen) {
        d._statsSeen = true;
        if (d.answer.stats) this._setStats(d.answer.stats);
        if (this.prefetch.noteGeneration(d.answer.generation)) this.prefetch.fill(true);
        if (d.roundTrip !== undefined) this.metrics.acks.push(d.roundTrip);
      }
      if (d && d.state === "failed" && !d._reported) {
        d._reported = true;
        this.setNotice(`failed-${d.itemId}`, `Your decision on item ${d.itemId} was not saved: ${d.error.message}`,
          { label: "Dismiss", run: () => this.setNotice(`failed-${d.itemId}`, null) });
      }
    }
    if (this.current.entry) renderItemStatus(this);
    if (!this.fresh && this.trailIndex === null && !pending.length && this.prefetch.exhausted) {
      this.prefetch.fill(true);   // items may have been freed meanwhile
    }
  }

  setNotice(key, text, action) {
    if (text) this.notices.set(key, { text, action }); else this.notices.delete(key);
    replaceChildren(this.noticeBox, [...this.notices.entries()].map(([k, n]) => el("div",
      { class: "al-notice", role: "alert", dataset: { notice: k } },
      el("span", { class: "al-notice-text", text: n.text }),
      n.action ? el("button", { type: "button", class: "al-btn al-btn-small", text: n.action.label,
        onclick: n.action.run }) : null)));
  }

  _flash(text) {
    clearTimeout(this._flashTimer);
    this.setNotice("flash", text);
    this._flashTimer = setTimeout(() => this.setNotice("flash", null), 2500);
  }

  toggleHelp(show) {
    const open = show === undefined ? this.helpPanel.hidden : show;
    if (!open) {
      // Blur first: focus left on an input of the hidden panel would swallow the next hotkey
      // until the browser moves it away by itself, some frames later.
      if (this.helpPanel.contains(document.activeElement)) document.activeElement.blur();
      this.helpPanel.hidden = true;
      const back = this._helpReturn;
      if (back && back !== document.body && back.isConnected && back.focus) back.focus();
      return;
    }
    this._helpReturn = document.activeElement;
    renderHelp(this.helpPanel, { kind: this.kind, task: this.task, categories: this.categories,
      hotkeyOf: (name) => this.hotkeys.get(name), setHotkey: (name, key) => this.setHotkey(name, key), close: () => this.toggleHelp(false) });
    this.helpPanel.hidden = false;
    this.helpPanel.focus();
  }
}
