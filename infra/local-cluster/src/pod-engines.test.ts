import { describe, expect, it } from "vitest";
import type { V1Pod } from "@kubernetes/client-node";
import { engineTarget, MODEL_ANNOTATION, renderCommand } from "./pod-engines.ts";

function pod(overrides: Partial<V1Pod> = {}): V1Pod {
  return {
    metadata: { name: "p-0", namespace: "ns", uid: "u1", annotations: {} },
    spec: {
      nodeName: "gpu-node-1",
      containers: [
        { name: "c", args: ["--model", "llama-3-8b"], ports: [{ containerPort: 9000 }] },
      ],
    },
    status: { phase: "Running", podIP: "127.3.2.5" },
    ...overrides,
  };
}

describe("engineTarget", () => {
  it("takes IP, port and model from a Running pod", () => {
    expect(engineTarget(pod())).toEqual({
      key: "ns/p-0/u1",
      ip: "127.3.2.5",
      port: 9000,
      model: "llama-3-8b",
      pod: "p-0",
      namespace: "ns",
      node: "gpu-node-1",
    });
  });

  it("serves the name clients call: --served-model-name over the weights' --model/--model-path", () => {
    const withArgs = (args: string[]) =>
      engineTarget(pod({ spec: { containers: [{ name: "c", args }] } }))?.model;
    expect(withArgs(["--model", "s3://w/qwen", "--served-model-name", "qwen3"])).toBe("qwen3");
    expect(withArgs(["--model-path", "/weights/q", "--served-model-name=q3"])).toBe("q3");
    expect(withArgs(["--model-path", "/weights/q", "--port", "30000"])).toBe("/weights/q");
    expect(withArgs(["--model=org/m"])).toBe("org/m");
    expect(withArgs(["--port", "8000"])).toBe("sim-model");
  });

  it("prefers the annotation for the model and the port named http", () => {
    const p = pod({
      metadata: { name: "p", namespace: "ns", uid: "u", annotations: { [MODEL_ANNOTATION]: "m2" } },
      spec: {
        containers: [
          { name: "c", ports: [{ containerPort: 1 }, { name: "http", containerPort: 8080 }] },
        ],
      },
    });
    expect(engineTarget(p)).toMatchObject({ model: "m2", port: 8080 });
  });

  it("ignores pods that are not Running, have no IP or are being deleted", () => {
    expect(engineTarget(pod({ status: { phase: "Pending" } }))).toBeUndefined();
    expect(engineTarget(pod({ status: { phase: "Running" } }))).toBeUndefined();
    const deleting = pod();
    deleting.metadata = { ...deleting.metadata, deletionTimestamp: new Date() };
    expect(engineTarget(deleting)).toBeUndefined();
  });
});

describe("renderCommand", () => {
  it("substitutes placeholders and keeps quoted words together", () => {
    const t = engineTarget(pod());
    if (!t) throw new Error("no target");
    expect(
      renderCommand(
        `sim --host {ip} --port {port} --model {model} --name "{namespace}/{pod} x" {unknown}`,
        t,
      ),
    ).toEqual([
      "sim",
      "--host",
      "127.3.2.5",
      "--port",
      "9000",
      "--model",
      "llama-3-8b",
      "--name",
      "ns/p-0 x",
      "{unknown}",
    ]);
  });
});
