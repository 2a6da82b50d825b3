// Calls to the labeling service's HTTP API (docs/api.md), in DSS and in local mode.

/** The URL of a backend route: through DSS's helper when present, else the path as is. */
export function backendUrl(path) {
  const dku = window.dataiku;
  if (dku && typeof dku.getWebAppBackendUrl === "function") return dku.getWebAppBackendUrl(path);
  return path;
}

/** An API failure, with a message a person can act on. */
export class ApiError extends Error {
  constructor(message, { status = 0, retriable = false, serverMessage = "" } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;        // 0: the request did not get an answer
    this.retriable = retriable;  // true for network failures and 5xx
    this.serverMessage = serverMessage;
  }
}

const ADVICE = {
  0: "Can't reach the labeling service. Check your network; your labels are kept in this page " +
     "and sent as soon as the service answers again.",
  400: "The service refused this request.",
  401: "This page doesn't know who you are: open the address you were given for labeling (or sign in " +
       "to DSS again), then reload the page.",
  403: "The service refused access. Open the labeling page from its own address (in DSS: from the " +
       "webapp, signed in), then reload; if it persists, ask the webapp's owner for access.",
  404: "This item no longer exists (it may have been removed from the data). Skip it or reload the page.",
  409: "Someone else is labeling this item right now. Move on to another item.",
  413: "The request is too large: shorten the comment and try again.",
  500: "The labeling service failed on this request. It is retried by itself; if this message " +
       "stays, ask the webapp's owner to look at the backend's log.",
  502: "The labeling service is not answering (it may be restarting). It will be retried; " +
       "if it persists, ask the webapp's owner to restart the webapp's backend.",
};

/** Build the error a caller shows for an HTTP status and the server's own message. */
export function errorFor(status, serverMessage) {
  let advice = ADVICE[status];
  if (!advice) advice = status >= 500 ? ADVICE[502] : ADVICE[400];
  // A 5xx message is for the backend's owner: the annotator gets what to do instead.
  const shown = status >= 500 ? "" : serverMessage.trim().replace(/[.\s]+$/, "");
  const message = shown ? `${shown.charAt(0).toUpperCase()}${shown.slice(1)}. ${advice}` : advice;
  return new ApiError(message, { status, retriable: status === 0 || status >= 500, serverMessage });
}

/**
 * The header that tells the service a call comes from this page (docs/api.md, "Requests must come
 * from the page"): another site's page can't send it without a CORS preflight, which the service
 * refuses. Media loaded by <img>/<audio> tags can't send it and don't need to.
 */
export const PAGE_HEADERS = Object.freeze({ "X-Requested-With": "active-labeling" });

function headersFor(body) {
  return body === undefined ? { ...PAGE_HEADERS } : { ...PAGE_HEADERS, "Content-Type": "application/json" };
}

/** Fetch a JSON route; throw an ApiError with a human message on any failure. */
export async function request(path, { method = "GET", body, signal } = {}) {
  let response;
  try {
    response = await fetch(backendUrl(path), {
      method,
      headers: headersFor(body),
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
      signal,
    });
  } catch (error) {
    if (error && error.name === "AbortError") throw error;
    throw errorFor(0, "");
  }
  let payload = null;
  const text = await response.text().catch(() => "");
  if (text) {
    try { payload = JSON.parse(text); } catch (e) { payload = null; }
  }
  if (!response.ok) {
    const serverMessage = payload && typeof payload.error === "string" ? payload.error : "";
    throw errorFor(response.status, serverMessage);
  }
  if (payload === null) throw errorFor(502, "The service answered with something that is not JSON.");
  return payload;
}

/**
 * This browser tab's id: its reservations are its own, so a second tab of the same annotator
 * leaves the first one's items alone. Kept in sessionStorage, which a reload keeps and a new
 * tab does not.
 */
export const pageId = (() => {
  const key = "active-labeling.page";
  const made = () => Array.from(crypto.getRandomValues(new Uint8Array(12)),
    (byte) => byte.toString(16).padStart(2, "0")).join("");
  try {
    let id = window.sessionStorage.getItem(key);
    if (!id || !/^[A-Za-z0-9_-]{1,64}$/.test(id)) {
      id = made();
      window.sessionStorage.setItem(key, id);
    }
    return id;
  } catch (e) {
    return made();  // storage refused (privacy settings): a new id per load still isolates tabs
  }
})();

export const api = {
  config: () => request("/api/config"),
  batch: (size) => request(`/api/batch?size=${encodeURIComponent(size)}&page=${pageId}`),
  stats: () => request("/api/stats"),
  label: (id, label, comment) => request("/api/label", { method: "POST", body: { id, label, comment } }),
  skip: (id, comment) => request("/api/skip", { method: "POST", body: { id, comment } }),
  historyBefore: (labelId) => request(`/api/history?before=${encodeURIComponent(labelId)}`),
  historyAfter: (labelId) => request(`/api/history?after=${encodeURIComponent(labelId)}`),
  historyLatest: () => request("/api/history"),
  /** Give back the reservations of `ids` (items this page will not show). */
  release: (ids) => request("/api/release", { method: "POST", body: { ids } }),
  /** Release what this tab held before a reload (its other tabs keep theirs). */
  releasePage: () => request("/api/release", { method: "POST", body: { page: pageId } }),
  /** The page's heartbeat: keeps its reservations; when `active`, takes back lapsed `ids` nobody took. */
  renew: (active, ids) => request("/api/renew", { method: "POST", body: { page: pageId, active, ids } }),
  /**
   * Release reservations when the page goes away; must not wait for an answer. A keepalive fetch
   * outlives the page like navigator.sendBeacon, and unlike it can send the page's header.
   * (Where keepalive is not supported the items are free again when their reservation expires.)
   */
  releaseBeacon(ids) {
    if (!ids || !ids.length) return;  // {} would release every reservation of the caller
    try {
      fetch(backendUrl("/api/release"), {
        method: "POST", body: JSON.stringify({ ids }), keepalive: true, credentials: "same-origin",
        headers: headersFor({ ids }),
      }).catch(() => {});
    } catch (e) { /* the page is closing: nothing else to do */ }
  },
};
