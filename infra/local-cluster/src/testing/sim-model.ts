// A minimal served model for tests of routers against a real cluster: namespace `namespace` with a
// vLLM ModelServer `sim` (model `sim-model`, port 8000, pods labelled app=sim) and a ModelRoute for
// model name `sim`. Tests add the pods themselves (with or without harness-started engines).
import { CoreV1Api, CustomObjectsApi } from "@kubernetes/client-node";
import type { KubeConfig } from "@kubernetes/client-node";

const GROUP = "networking.serving.volcano.sh";
const VERSION = "v1alpha1";

export async function createSimModel(kc: KubeConfig, namespace: string): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  const create = (plural: string, kind: string, spec: Record<string, unknown>) =>
    custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural,
      body: { apiVersion: `${GROUP}/${VERSION}`, kind, metadata: { name: "sim" }, spec },
    });
  await create("modelservers", "ModelServer", {
    model: "sim-model",
    inferenceEngine: "vLLM",
    workloadPort: { port: 8000 },
    workloadSelector: { matchLabels: { app: "sim" } },
  });
  await create("modelroutes", "ModelRoute", {
    modelName: "sim",
    rules: [{ targetModels: [{ modelServerName: "sim" }] }],
  });
}
