"""The send queue's rules, run in Chromium on the module the page uses (fake send functions):
one request at a time and in order, retries only for network failures and 5xx, a queued
decision replaced by a later one on the same item, nothing sent after its acknowledgement."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

SCRIPT = """async () => {
  const { Decision, SendQueue } = await import("/plugins/active-labeling/resource/labeling/queue.js");
  const { ApiError } = await import("/plugins/active-labeling/resource/labeling/api.js");
  const calls = [];
  let inFlight = 0, maxInFlight = 0;
  const plan = { a: ["net", "ok"], b: ["500", "ok"], c: ["400"], d: ["ok"] };
  const queue = new SendQueue(async (d) => {
    inFlight += 1; maxInFlight = Math.max(maxInFlight, inFlight);
    calls.push(`${d.itemId}:${d.label}`);
    await new Promise((r) => setTimeout(r, 5));
    inFlight -= 1;
    const outcome = plan[d.itemId].shift();
    if (outcome === "net") throw new ApiError("offline", { status: 0, retriable: true });
    if (outcome === "500") throw new ApiError("oops", { status: 500, retriable: true });
    if (outcome === "400") throw new ApiError("bad", { status: 400 });
    return { label_id: calls.length, id: d.itemId };
  });
  const decide = (id, label) => queue.push(new Decision({ itemId: id, type: "label", label }));
  const made = ["a", "b", "c"].map((id) => decide(id, "x"));
  // Two decisions on d while it waits: only the last one is sent.
  queue.push(new Decision({ itemId: "d", type: "label", label: "first" }));
  made.push(queue.push(new Decision({ itemId: "d", type: "label", label: "second" })));
  const pendingAtOnce = queue.pendingCount;
  await Promise.all(made.map((d) => d.done));
  await new Promise((r) => setTimeout(r, 1500));
  return { calls, maxInFlight, pendingAtOnce, states: made.map((d) => d.state),
           attempts: made.map((d) => d.attempts), pendingAfter: queue.pendingCount };
}"""


def test_send_queue_rules(browser, serve):
    server = serve("tabular")
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.url + "/webapp/style.css")   # any page of the server: same origin
    result = page.evaluate(SCRIPT)
    context.close()
    assert result["maxInFlight"] == 1
    assert result["pendingAtOnce"] == 4
    assert result["calls"] == ["a:x", "a:x", "b:x", "b:x", "c:x", "d:second"]
    assert result["states"] == ["saved", "saved", "failed", "saved"]
    assert result["attempts"] == [2, 2, 1, 1]
    assert result["pendingAfter"] == 0


FIX_IN_FLIGHT = """async () => {
  const { Decision, SendQueue } = await import("/plugins/active-labeling/resource/labeling/queue.js");
  const { ApiError } = await import("/plugins/active-labeling/resource/labeling/api.js");
  const calls = [];
  let answer;
  const queue = new SendQueue(async (d) => {
    calls.push(`${d.itemId}:${d.label}`);
    if (calls.length === 1) {   // the slip is in flight when the fix is made, then gets no answer
      await new Promise((r) => { answer = r; });
      throw new ApiError("offline", { status: 0, retriable: true });
    }
    return { label_id: calls.length, id: d.itemId };
  });
  const slip = queue.push(new Decision({ itemId: "a", type: "label", label: "slip" }));
  await new Promise((r) => setTimeout(r, 0));
  const fix = queue.push(new Decision({ itemId: "a", type: "label", label: "fix", change: true }));
  answer();
  await Promise.all([slip.done, fix.done]);
  await new Promise((r) => setTimeout(r, 1500));
  return { calls, states: [slip.state, fix.state], fixIsFirst: !fix.change,
           pendingAfter: queue.pendingCount };
}"""


def test_a_fix_made_while_the_slip_is_in_flight_replaces_it_when_that_attempt_fails(browser, serve):
    server = serve("tabular")
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.url + "/webapp/style.css")
    result = page.evaluate(FIX_IN_FLIGHT)
    context.close()
    # The slip is not sent again: the fix takes its place, as the item's first decision.
    assert result == {"calls": ["a:slip", "a:fix"], "states": ["superseded", "saved"], "fixIsFirst": True,
                      "pendingAfter": 0}
