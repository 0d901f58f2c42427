import { describe, expect, it } from "vitest";
import { cx, ep, handle, req, scores } from "../../testing.ts";
import { leastRequestFactory } from "./index.ts";
import type { LeastRequestScorer } from "./index.ts";

const make = (p: unknown = {}) => leastRequestFactory("lr", p, handle()) as LeastRequestScorer;

describe("least-request scorer", () => {
  const cases = [
    { name: "all idle → all 1", eps: [ep(), ep()], want: [1, 1] },
    {
      name: "router-local in-flight only (stale metrics)",
      eps: [ep({ inFlight: 4, stale: true }), ep({ inFlight: 1, stale: true })],
      want: [0, 0.75],
    },
    {
      name: "engine counts above local (other routers' traffic) win over local",
      eps: [
        ep({ inFlight: 1, metrics: { running: 8, waiting: 0 } }),
        ep({ inFlight: 2, metrics: { running: 2, waiting: 0 } }),
      ],
      want: [0, 0.75],
    },
    {
      name: "waiting requests are penalised (weight 4): load = max(local, run+wait) + 4·wait",
      eps: [
        ep({ metrics: { running: 4, waiting: 2 } }),
        ep({ metrics: { running: 6, waiting: 0 } }),
      ],
      want: [0, 0.5714],
    },
    {
      name: "stale engine metrics are ignored in favour of local counts",
      eps: [
        ep({ inFlight: 2, stale: true, metrics: { running: 50, waiting: 50 } }),
        ep({ inFlight: 4 }),
      ],
      want: [0.5, 0],
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      expect(await scores(make(), req(), c.eps)).toEqual(c.want);
    });
  }

  it("filter drops endpoints at maxWaitingRequests, but keeps all when all are overloaded", () => {
    const s = make({ maxWaitingRequests: 5 });
    const busy = ep({ metrics: { waiting: 5 } });
    const ok = ep({ metrics: { waiting: 4 } });
    const staleBusy = ep({ stale: true, metrics: { waiting: 50 } });
    expect(s.filter(cx(), req(), [busy, ok, staleBusy])).toEqual([ok, staleBusy]);
    expect(s.filter(cx(), req(), [busy])).toEqual([busy]);
    expect(make({ maxWaitingRequests: 0 }).filter(cx(), req(), [busy])).toEqual([busy]);
  });

  it("rejects invalid parameters", () => {
    expect(() => make({ waitingWeight: -1 })).toThrow(/invalid parameters/);
    expect(() => make({ nope: 1 })).toThrow(/invalid parameters/);
  });
});
