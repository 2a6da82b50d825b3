// Review mode (issue 15): a reviewer sees every annotator's label of an item and picks the final
// one with the usual keys. Disagreements come first, then agreed items drawn for a check. The
// service decides who is a reviewer (GET /api/config `reviewer`); an annotator who opens this
// mode is refused by the service (403) and the page says so.
import { request } from "./api.js";
import { el, replaceChildren } from "./escape.js";
import { assignHotkeys, isTyping } from "./keyboard.js";

const BATCH = 10;

/** True when the page was opened in review mode (`?mode=review`, or `#review` inside DSS). */
export function wantsReview() {
  return new URLSearchParams(window.location.search).get("mode") === "review"
    || window.location.hash === "#review";
}

const reviewApi = {
  config: () => request("/api/config"),
  batch: (size) => request(`/api/review/batch?size=${encodeURIComponent(size)}`),
  review: (id, label, comment) => request("/api/review", { method: "POST", body: { id, label, comment } }),
  before: (labelId) => request(`/api/review/history?before=${encodeURIComponent(labelId)}`),
  after: (labelId) => request(`/api/review/history?after=${encodeURIComponent(labelId)}`),
  stats: () => request("/api/stats"),
};

function figure(value) {
  return value === null || value === undefined ? "n/a" : Number(value).toFixed(3);
}

function describe(label) {
  if (label === null || label === undefined) return "(none)";
  if (typeof label === "string") return label;
  if (Array.isArray(label) && label.every((x) => typeof x === "string")) return label.join(", ") || "(none)";
  if (Array.isArray(label)) return `${label.length} annotation(s)`;
  return JSON.stringify(label);
}

/** For a reviewer on the labeling page: a link that opens review mode. */
export function offerReviewMode(root, config) {
  if (!config || !config.reviewer) return;
  const link = el("a", { href: "#review", class: "al-review-link", "data-role": "review-link",
    text: "Review mode", onclick: () => { window.location.hash = "#review"; window.location.reload(); } });
  root.insertBefore(link, root.firstChild);
}

/** Start review mode in `root`. */
export async function startReviewApp({ kind, root }) {
  const app = new ReviewApp(kind, root);
  window.__reviewApp = app;
  await app.start();
  return app;
}

class ReviewApp {
  constructor(kind, root) {
    this.kind = kind;
    this.root = root;
    this.queue = [];        // items served, not reviewed yet
    this.entry = null;      // a past review shown (stepping back), else null
    this.item = null;
    this.chosen = new Set();  // multi-label: the categories picked so far
    this.reviewed = 0;
    this.notice = el("p", { class: "al-notice", role: "alert", "data-role": "review-notice" });
    this.title = el("h1", { text: "Review mode" });
    this.progress = el("p", { "data-role": "review-progress" });
    this.stage = el("section", { class: "al-review-item", "data-role": "review-item" });
    this.labels = el("ol", { class: "al-review-labels", "data-role": "review-labels" });
    this.choices = el("div", { class: "al-review-choices", "data-role": "review-choices" });
    this.comment = el("input", { type: "text", placeholder: "Comment (C to write, Esc to leave)",
      "data-role": "review-comment", class: "al-comment" });
    this.team = el("section", { class: "al-team", "data-role": "team-panel" });
    replaceChildren(this.root, this.title, this.notice, this.progress, this.stage,
      el("h2", { text: "Annotators' labels" }), this.labels,
      el("h2", { text: "Final label (press its key)" }), this.choices, this.comment, this.team);
  }

  async start() {
    try {
      this.config = await reviewApi.config();
    } catch (error) {
      this.say(`The labeling service could not be reached: ${error.message}`);
      return;
    }
    if (!this.config.reviewer) {
      this.say(`${this.config.annotator} is not a reviewer of this webapp: review mode is for the reviewers `
        + "named in its settings. Label items instead (open the page without review mode).");
      this.refused = true;
      return;
    }
    this.multi = Boolean(this.config.multi_label);
    this.byName = this.config.task === "category" || this.config.task === "categories";
    this.keys = assignHotkeys(this.config.categories || []);
    document.addEventListener("keydown", (event) => this.onKey(event));
    await this.next();
    this.refreshTeam();
  }

  say(text) { this.notice.textContent = text || ""; }

  async next() {
    this.entry = null;
    if (!this.queue.length) {
      try {
        const batch = await reviewApi.batch(BATCH);
        this.queue = batch.items;
        this.queued = batch.queue;
      } catch (error) {
        this.say(error.message);
        this.refused = error.status === 403;
        return;
      }
    }
    this.show(this.queue[0] || null);
  }

  show(item, past = null) {
    this.item = item;
    this.chosen = new Set();
    this.comment.value = past ? past.comment || "" : "";
    replaceChildren(this.labels);
    replaceChildren(this.choices);
    if (!item) {
      replaceChildren(this.stage, el("p", { text: "Nothing to review now: every disagreement is settled.",
        "data-role": "review-done" }));
      this.progress.textContent = `${this.reviewed} reviewed in this session.`;
      return;
    }
    const status = item.final ? item.final.status : "pending";
    this.progress.textContent = (past ? `Your earlier review (${past.position + 1} of ${past.count}). ` : "")
      + `${status === "pending" ? "Disagreement" : `Check (${status})`}; `
      + `${this.queued ? this.queued.disputed : 0} disagreement(s) waiting; ${this.reviewed} reviewed.`;
    this.stage.dataset.itemId = item.id;
    replaceChildren(this.stage, this.itemContent(item));
    item.labels.forEach((entry, index) => {
      this.labels.appendChild(el("li", { "data-role": "review-label" },
        el("strong", { text: entry.annotator }), ": ", describe(entry.label),
        entry.comment ? el("em", { text: ` (${entry.comment})` }) : null,
        this.byName ? null : el("button", { type: "button", text: `Take (${index + 1})`,
          onclick: () => this.send(entry.label) })));
    });
    if (this.byName) {
      for (const category of this.config.categories || []) {
        const key = this.keys.get(category.name) || category.hotkey || "";
        this.choices.appendChild(el("button", { type: "button", "data-category": category.name,
          text: `${category.name}${key ? ` (${key})` : ""}`, onclick: () => this.pick(category.name) }));
      }
      if (this.multi) this.choices.appendChild(el("button", { type: "button", text: "Confirm (Enter)",
        onclick: () => this.send([...this.chosen]) }));
    }
  }

  itemContent(item) {
    const media = item.media && item.media.url;
    if (media && this.kind === "image") return el("img", { src: media, alt: item.id, class: "al-review-image" });
    if (media && this.kind === "sound") return el("audio", { src: media, controls: true });
    const rows = Object.entries(item.data || {}).map(([name, value]) =>
      el("tr", {}, el("th", { text: name }), el("td", { text: value === null ? "" : String(value) })));
    return el("table", { class: "al-review-data" }, ...rows);
  }

  pick(name) {
    if (!this.multi) { this.send(name); return; }
    if (this.chosen.has(name)) this.chosen.delete(name); else this.chosen.add(name);
    for (const button of this.choices.querySelectorAll("button[data-category]")) {
      button.setAttribute("aria-pressed", String(this.chosen.has(button.dataset.category)));
    }
  }

  async send(label) {
    const item = this.item;
    if (!item) return;
    try {
      await reviewApi.review(item.id, label, this.comment.value);
    } catch (error) {
      this.say(error.message);
      return;
    }
    this.say("");
    if (this.entry) {  // a change of an earlier review: go forward again
      await this.forward();
      return;
    }
    this.reviewed += 1;
    this.queue.shift();
    await this.next();
    this.refreshTeam();
  }

  async back() {
    const found = await (this.entry ? reviewApi.before(this.entry.label_id)
      : request("/api/review/history")).catch((error) => { this.say(error.message); return null; });
    if (found && found.entry) {
      this.entry = found.entry;
      this.show(found.entry.item, found.entry);
    }
  }

  async forward() {
    if (!this.entry) return;
    const found = await reviewApi.after(this.entry.label_id).catch(() => null);
    if (found && found.entry) {
      this.entry = found.entry;
      this.show(found.entry.item, found.entry);
    } else {
      this.entry = null;
      this.show(this.queue[0] || null);
    }
  }

  onKey(event) {
    if (isTyping(event)) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    const key = event.key.toLowerCase();
    if (key === "arrowleft" || key === "backspace") { event.preventDefault(); this.back(); return; }
    if (key === "arrowright") { event.preventDefault(); this.forward(); return; }
    if (key === "c") { event.preventDefault(); this.comment.focus(); return; }
    if (key === "enter" && this.multi) { event.preventDefault(); this.send([...this.chosen]); return; }
    if (this.byName) {
      for (const [name, hotkey] of this.keys) {
        if (hotkey === key) { event.preventDefault(); this.pick(name); return; }
      }
    } else if (/^[1-9]$/.test(key) && this.item && this.item.labels[Number(key) - 1]) {
      event.preventDefault();
      this.send(this.item.labels[Number(key) - 1].label);
    }
  }

  async refreshTeam() {
    let stats;
    try { stats = await reviewApi.stats(); } catch (error) { return; }
    const team = stats.team;
    if (!team) return;
    const final = team.final;
    const rows = (team.annotators || []).map((row) => el("tr", {}, el("td", { text: row.name }),
      el("td", { text: figure(row.agreement) }), el("td", { text: figure(row.kappa) })));
    replaceChildren(this.team, el("h2", { text: "Team" }),
      el("p", { "data-role": "team-figures", text: `Krippendorff's alpha ${figure(team.alpha)}, Cohen's kappa `
        + `${figure(team.kappa)}; final labels: ${final.agreed} agreed, ${final.majority} majority, `
        + `${final.reviewed} reviewed, ${final.pending} pending.` }),
      el("table", {}, el("tr", {}, el("th", { text: "Annotator" }), el("th", { text: "Agreement" }),
        el("th", { text: "Kappa" })), ...rows));
  }
}
