import { validateManifest } from "@tessera/shared";
import { describe, expect, it } from "vitest";
import { demoModelObjects, objectPath, routerServiceObjects } from "./cluster-demo.ts";

const demo = {
  model: "llama-3-8b",
  servedModel: "tessera/llama-3-8b",
  replicas: 3,
  enginePort: 8000,
};

describe("the local cluster's demo objects", () => {
  it("are valid Kthena objects: the ModelServer selects the ModelServing's pods", () => {
    const objects = demoModelObjects(demo);
    for (const o of objects.filter((x) => x.apiVersion.includes("serving.volcano.sh"))) {
      const r = validateManifest(o);
      // Known kinds only (a skipped manifest would prove nothing), and no issues.
      expect("skipped" in r, o.kind).toBe(false);
      expect("issues" in r ? r.issues : [], o.kind).toEqual([]);
      expect("ok" in r && r.ok, o.kind).toBe(true);
    }
    const [, serving, server, route] = objects;
    expect(server?.spec?.["workloadSelector"]).toEqual({
      matchLabels: { "modelserving.volcano.sh/name": serving?.metadata.name },
    });
    expect(route?.spec?.["modelName"]).toBe("llama-3-8b");
    // The engine label and annotations sit on the pod template, where the harness looks for them.
    const role = (
      serving?.spec?.["template"] as {
        roles: { replicas: number; entryTemplate: { metadata: unknown } }[];
      }
    ).roles[0];
    expect(role?.replicas).toBe(3);
    expect(role?.entryTemplate.metadata).toEqual({
      labels: { "tessera.io/engine": "sim" },
      annotations: {
        "tessera.io/engine-model": "tessera/llama-3-8b",
        "tessera.io/engine-port": "8000",
      },
    });
  });

  it("describe the router by a labelled, annotated Service without selector", () => {
    const service = routerServiceObjects("http://127.0.0.1:8090", 8090)[1];
    expect(service?.metadata.labels?.["tessera.io/component"]).toBe("router");
    expect(service?.metadata.annotations?.["tessera.io/admin-url"]).toBe("http://127.0.0.1:8090");
    expect(service?.spec?.["selector"]).toBeUndefined();
  });

  it("map to REST paths for server-side apply", () => {
    const [ns, serving] = demoModelObjects(demo);
    if (!ns || !serving) throw new Error("expected a Namespace and a ModelServing");
    expect(objectPath(ns)).toBe("/api/v1/namespaces/tessera-demo");
    expect(objectPath(serving)).toBe(
      "/apis/workload.serving.volcano.sh/v1alpha1/namespaces/tessera-demo/modelservings/demo",
    );
    expect(() => objectPath({ apiVersion: "v1", kind: "Secret", metadata: { name: "x" } })).toThrow(
      /Secret/,
    );
  });
});
