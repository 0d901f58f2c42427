import { describe, expect, it } from "vitest";
import type { PodObject } from "../../k8s/types.ts";
import { PodScraper, familyValue, histogramQuantile, parsePrometheusText } from "./pod-scraper.ts";
import { singleValue } from "./prometheus.ts";

const VLLM = `# HELP vllm:num_requests_waiting waiting
# TYPE vllm:num_requests_waiting gauge
vllm:num_requests_waiting{model_name="m",engine="0"} 3
vllm:num_requests_waiting{model_name="lora",engine="0"} 2
vllm:kv_cache_usage_perc{model_name="m"} 0.25
vllm:time_to_first_token_seconds_bucket{model_name="m",le="0.1"} 10
vllm:time_to_first_token_seconds_bucket{model_name="m",le="1"} 20
vllm:time_to_first_token_seconds_bucket{model_name="m",le="+Inf"} 20
`;

function pod(
  name: string,
  ip: string,
  o: { ready?: boolean; phase?: string; restarts?: number } = {},
): PodObject {
  return {
    metadata: { name, uid: `uid-${name}` },
    status: {
      phase: o.phase ?? "Running",
      podIP: ip,
      conditions: [{ type: "Ready", status: o.ready === false ? "False" : "True" }],
      containerStatuses: [{ name: "c", restartCount: o.restarts ?? 0 }],
    },
  };
}

function fakeFetch(pages: Record<string, string>): typeof fetch {
  return (url: string | URL | Request) => {
    const u = typeof url === "string" ? url : url instanceof URL ? url.href : url.url;
    const body = pages[new URL(u).hostname];
    if (body === undefined) return Promise.reject(new Error("connect refused"));
    return Promise.resolve(new Response(body, { status: 200 }));
  };
}

describe("Prometheus text parsing and dialects", () => {
  it("parses labels, sums a family's series and resolves dialect aliases", () => {
    const s = parsePrometheusText(VLLM);
    expect(familyValue(s, "vllm:num_requests_waiting")).toEqual({ kind: "scalar", value: 5 });
    expect(familyValue(s, "num_requests_waiting")).toEqual({ kind: "scalar", value: 5 });
    const sg = parsePrometheusText('sglang:num_queue_reqs{model_name="m"} 7\n');
    expect(familyValue(sg, "num_requests_waiting")).toEqual({ kind: "scalar", value: 7 });
    expect(familyValue(parsePrometheusText("tgi_queue_size 4\n"), "num_requests_waiting")).toEqual({
      kind: "scalar",
      value: 4,
    });
    expect(familyValue(s, "nope")).toBeUndefined();
    const h = familyValue(s, "time_to_first_token_seconds");
    expect(h).toEqual({
      kind: "histogram",
      buckets: [
        [0.1, 10],
        [1, 20],
        [Infinity, 20],
      ],
    });
  });

  it("takes the p95 of the bucket increase, interpolating inside the bucket", () => {
    // 20 new observations: 10 ≤ 0.1 s, 10 in (0.1, 1] ⇒ rank 19 is 9/10 of the way into (0.1, 1].
    expect(
      histogramQuantile(
        0.95,
        [
          [0.1, 15],
          [1, 25],
          [Infinity, 25],
        ],
        [
          [0.1, 5],
          [1, 5],
          [Infinity, 5],
        ],
      ),
    ).toBeCloseTo(0.91);
    expect(
      histogramQuantile(
        0.95,
        [
          [1, 5],
          [Infinity, 5],
        ],
        [
          [1, 5],
          [Infinity, 5],
        ],
      ),
    ).toBeUndefined();
  });

  it("reads an instant query's single value", () => {
    expect(
      singleValue({
        status: "success",
        data: { resultType: "vector", result: [{ value: [1, "12.5"] }] },
      }),
    ).toBe(12.5);
    expect(
      singleValue({ status: "success", data: { resultType: "scalar", result: [1, "3"] } }),
    ).toBe(3);
    expect(singleValue({ status: "success", data: { resultType: "vector", result: [] } })).toMatch(
      /0 series/,
    );
  });
});

describe("PodScraper", () => {
  it("samples ready pods, marks unready and unreachable ones, and needs a 60 s old histogram baseline", async () => {
    const s = new PodScraper({ fetch: fakeFetch({ "10.0.0.1": VLLM, "10.0.0.2": VLLM }) });
    const pods = [
      pod("a", "10.0.0.1"),
      pod("b", "10.0.0.2"),
      pod("c", "10.0.0.3", { ready: false }),
      pod("d", "10.0.0.4"),
    ];
    const src = { port: 8100, uri: "/metrics" };
    const r = await s.observe(
      pods,
      src,
      ["num_requests_waiting", "time_to_first_token_seconds"],
      0,
    );
    expect(r["num_requests_waiting"]).toEqual({
      kind: "pods",
      samples: [
        { pod: "a", ready: true, value: 5 },
        { pod: "b", ready: true, value: 5 },
        { pod: "c", ready: false },
        { pod: "d", ready: true },
      ],
    });
    // No baseline yet for the histogram.
    const h0 = r["time_to_first_token_seconds"];
    expect(h0?.kind === "pods" && h0.samples.every((x) => x.value === undefined)).toBe(true);
    // 70 s later with no new observations: a baseline exists and the p95 of nothing is 0.
    const r2 = await s.observe(pods, src, ["time_to_first_token_seconds"], 70_000);
    const h = r2["time_to_first_token_seconds"];
    expect(h?.kind === "pods" ? h.samples[0] : undefined).toEqual({
      pod: "a",
      ready: true,
      value: 0,
    });
  });

  it("skips the cycle when a pod failed or restarted", async () => {
    const s = new PodScraper({ fetch: fakeFetch({ "10.0.0.1": VLLM }) });
    const r = await s.observe(
      [pod("a", "10.0.0.1"), pod("b", "10.0.0.2", { restarts: 1 })],
      { port: 1, uri: "/metrics" },
      ["num_requests_waiting"],
      0,
    );
    expect(r["num_requests_waiting"]).toEqual({ kind: "missing" });
  });
});
