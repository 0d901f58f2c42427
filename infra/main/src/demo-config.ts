// The router's file-mode configuration for the demo stack: the same objects the router would watch
// in a cluster (ModelServer, ModelRoute, Pods), describing the simulated engines this job starts.
import { createHash } from "node:crypto";
import { stringify } from "yaml";

export interface DemoTopology {
  /** Model name clients ask for. */
  model: string;
  /** Name the engines serve (the router rewrites `model` to it). */
  servedModel: string;
  port: number;
  podIPs: string[];
  /** The demo tenant and its key: written as the Tenant and ApiKey objects the API pushes to
   * clusters, so the router enforces the key exactly as it would in Kubernetes mode. */
  tenant: { slug: string; keyId: string; secret: string };
}

const APP_LABEL = "modelserving.volcano.sh/name";

export function loopbackRange(first: string, count: number): string[] {
  const parts = first.split(".").map(Number);
  const last = parts[3] ?? 0;
  if (parts[0] !== 127 || last + count > 255) {
    throw new Error(
      `TESSERA_SIM_FIRST_IP: ${first} + ${count} replicas leaves the 127.0.0.0/24 loopback range`,
    );
  }
  return Array.from({ length: count }, (_, i) => `127.${parts[1]}.${parts[2]}.${last + i}`);
}

export function demoRouterConfig(t: DemoTopology): string {
  const server = {
    apiVersion: "networking.serving.volcano.sh/v1alpha1",
    kind: "ModelServer",
    metadata: { name: "demo-engines", namespace: "default" },
    spec: {
      model: t.servedModel,
      inferenceEngine: "vLLM",
      workloadPort: { port: t.port },
      workloadSelector: { matchLabels: { [APP_LABEL]: "demo" } },
      trafficPolicy: { timeout: "30s", retry: { attempts: 2 } },
    },
  };
  const route = {
    apiVersion: "networking.serving.volcano.sh/v1alpha1",
    kind: "ModelRoute",
    metadata: { name: "demo", namespace: "default" },
    spec: {
      modelName: t.model,
      rules: [{ name: "default", targetModels: [{ modelServerName: "demo-engines" }] }],
    },
  };
  const pods = t.podIPs.map((ip, i) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: `demo-${i}`, namespace: "default", labels: { [APP_LABEL]: "demo" } },
    status: { phase: "Running", podIP: ip, conditions: [{ type: "Ready", status: "True" }] },
  }));
  const tenant = {
    apiVersion: "tessera.io/v1alpha1",
    kind: "Tenant",
    metadata: { name: t.tenant.slug },
    spec: {
      displayName: "Demo tenant",
      quotas: [{ model: t.model, totalTokensPerMinute: 1_000_000, requestsPerMinute: 6_000 }],
    },
  };
  const apiKey = {
    apiVersion: "tessera.io/v1alpha1",
    kind: "ApiKey",
    metadata: { name: t.tenant.keyId },
    spec: {
      tenant: t.tenant.slug,
      // Only the hash leaves the API, as in a cluster.
      keyHash: createHash("sha256").update(t.tenant.secret).digest("hex"),
      prefix: t.tenant.secret.slice(0, 12),
      models: [t.model],
    },
  };
  return [server, route, ...pods, tenant, apiKey].map((doc) => stringify(doc)).join("---\n");
}
