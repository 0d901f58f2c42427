// Router-local prefill accounting per endpoint: prompt tokens this router dispatched to an engine
// that has not yet produced their first token (the prefill work still queued or running there). The
// PD decider reads it; engines report queue lengths only every scrape interval and in requests, not
// tokens. Every add returns a release that is safe to call more than once, so callers can release on
// the first token and again in a `finally` (finish, upstream error, client abort) without leaking or
// double-counting.
export class PrefillLedger {
  readonly #tokens = new Map<string, number>();

  /** Queued prefill tokens on the endpoint (0 when none). */
  get(endpointId: string): number {
    return this.#tokens.get(endpointId) ?? 0;
  }

  /** Sum over all endpoints (tests and /debug use it to check that nothing leaks). */
  total(): number {
    let n = 0;
    for (const v of this.#tokens.values()) n += v;
    return n;
  }

  /** Charges `tokens` to the endpoint; the returned function releases them once. */
  add(endpointId: string, tokens: number): () => void {
    if (!(tokens > 0)) return noop;
    this.#tokens.set(endpointId, this.get(endpointId) + tokens);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      const left = this.get(endpointId) - tokens;
      // Delete at zero so removed endpoints leave no entry behind.
      if (left > 0) this.#tokens.set(endpointId, left);
      else this.#tokens.delete(endpointId);
    };
  }
}

function noop(): void {}
