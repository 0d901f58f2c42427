// Releasing prefill accounting at the first token of a locally served PD request. The request path
// has one first-token moment already: the TTFT histogram is observed exactly once, by the SSE relay,
// when the first event reaches the client. Until RequestState offers a first-event hook of its own,
// the release rides on that observation (a child object whose `observe` releases, then restores and
// delegates to the real timer). A non-streamed response has no events: its release happens when the
// attempt ends, which is when the whole answer (first token included) has arrived.
import type { HistogramChild } from "../metrics/fast.ts";

interface HasTtftTimer {
  ttftTimer: HistogramChild | null;
}

/** Calls `release` at the request's first streamed token; returns a release for the attempt's end. */
export function releaseOnFirstToken(st: HasTtftTimer, release: () => void): () => void {
  const timer = st.ttftTimer;
  if (timer === null) return release;
  const hook = Object.create(timer) as HistogramChild;
  hook.observe = (v: number) => {
    release();
    st.ttftTimer = timer;
    timer.observe(v);
  };
  st.ttftTimer = hook;
  return () => {
    release();
    if (st.ttftTimer === hook) st.ttftTimer = timer;
  };
}
