// The reporter against a real HTTP server standing in for the API's REST endpoint.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProvisioningReporter } from "./provisioning.ts";

const received: { auth: string | undefined; body: Record<string, unknown> }[] = [];
let failWith = 0;
const server = createServer((req, res) => {
  let text = "";
  req.on("data", (c: Buffer) => (text += c.toString()));
  req.on("end", () => {
    if (req.method !== "POST" || req.url !== "/v1/clusters/provisioning") {
      res.writeHead(404).end();
      return;
    }
    if (failWith) {
      res.writeHead(failWith, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "step: too long" } }));
      return;
    }
    received.push({
      auth: req.headers.authorization,
      body: JSON.parse(text) as Record<string, unknown>,
    });
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
});
let base = "";
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("ProvisioningReporter", () => {
  it("sends reports in order as the admin, keeps the cluster id, and prints each failure once", async () => {
    const lines: string[] = [];
    const r = new ProvisioningReporter({ base, token: "tok" }, "local", (l) => lines.push(l));
    r.report({ phase: "Pending", step: "queued", message: "waiting" });
    r.report(
      { phase: "Starting", step: "etcd", message: "m", progress: { done: 0, total: 8 } },
      false,
    );
    r.report({ phase: "Starting", step: "register", message: "m", clusterId: "c-1" });
    r.report({ phase: "Ready", step: "ready", message: "m", progress: { done: 8, total: 8 } });
    await r.flush();
    expect(received.map((x) => x.body["step"])).toEqual(["queued", "etcd", "register", "ready"]);
    expect(received.every((x) => x.auth === "Bearer tok" && x.body["name"] === "local")).toBe(true);
    expect(received[3]?.body).toMatchObject({ phase: "Ready", clusterId: "c-1" });
    expect(r.accepted).toBe(4);
    // `echo: false` reports go to the API only.
    expect(lines.filter((l) => l.includes("Starting: etcd"))).toEqual([]);
    expect(lines).toContain("tessera: local cluster local: Ready: ready (8/8). m");

    failWith = 400;
    r.report({ phase: "Failed", step: "x", message: "m" });
    r.report({ phase: "Failed", step: "x", message: "m" });
    await r.flush();
    failWith = 0;
    const failures = lines.filter((l) => l.startsWith("tessera: could not report"));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/HTTP 400 .*too long/);
    expect(r.accepted).toBe(4);
  });
});
