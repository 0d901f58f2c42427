import { describe, expect, it } from "vitest";
import { ep, handle, req, scores } from "../../testing.ts";
import { sessionAffinityFactory } from "./index.ts";
import type { SessionAffinityScorer } from "./index.ts";

const make = (p: unknown = {}) =>
  sessionAffinityFactory("sa", p, handle()) as SessionAffinityScorer;
const withSession = (s: string | undefined) =>
  req({ headers: s === undefined ? {} : { "x-session-id": s } });

describe("session-affinity scorer", () => {
  const a = ep({ id: "a" });
  const b = ep({ id: "b" });
  const busyB = ep({ id: "b", inFlight: 40 });
  const queuedB = ep({ id: "b", metrics: { waiting: 9 } });
  const cases = [
    { name: "no header → all 0", session: undefined, eps: [a, b], want: [0, 0] },
    { name: "unknown session → all 0", session: "s2", eps: [a, b], want: [0, 0] },
    { name: "sticky endpoint scores 1", session: "s1", eps: [a, b], want: [0, 1] },
    {
      name: "sticky endpoint overloaded (in flight) → fallback, all 0",
      session: "s1",
      eps: [a, busyB],
      want: [0, 0],
    },
    {
      name: "sticky endpoint overloaded (engine queue) → fallback",
      session: "s1",
      eps: [a, queuedB],
      want: [0, 0],
    },
    { name: "sticky endpoint gone → all 0", session: "s1", eps: [a], want: [0] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const s = make();
      s.postResponse(withSession("s1"), b, true);
      expect(await scores(s, withSession(c.session), c.eps)).toEqual(c.want);
    });
  }

  it("moves the session to where it was served, and drops it on failure", () => {
    const s = make({ header: "X-Conversation" });
    const r = req({ headers: { "x-conversation": "c" } });
    s.postResponse(r, a, true);
    expect(s.stickyEndpoint("ns/server", "c")).toBe("a");
    s.postResponse(r, b, true);
    expect(s.stickyEndpoint("ns/server", "c")).toBe("b");
    s.postResponse(r, b, false);
    expect(s.stickyEndpoint("ns/server", "c")).toBeUndefined();
  });

  it("remembers at most maxSessions sessions", () => {
    const s = make({ maxSessions: 2 });
    for (const id of ["1", "2", "3"]) s.postResponse(withSession(id), a, true);
    expect(s.stickyEndpoint("ns/server", "1")).toBeUndefined();
    expect(s.stats()).toMatchObject({ sessions: 2 });
  });
});
