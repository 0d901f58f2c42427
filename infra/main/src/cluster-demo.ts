// What the background local cluster serves: the demo model as a ModelServing that the controller
// reconciles into a ServingGroup of pods (gang-scheduled by Volcano onto kwok GPU nodes), a
// ModelServer selecting those pods and a ModelRoute for the model name clients use. kwok cannot run
// containers, so the cluster harness starts a simulated engine at each Running pod's IP (pods
// labelled ENGINE_LABEL); the router, a local process in Kubernetes mode, is described by a
// selector-less Service whose annotation tells the API where its admin endpoints are.
import { MODEL_ANNOTATION, PORT_ANNOTATION } from "@tessera/local-cluster";
import { LABEL_MODEL_SERVING_NAME } from "@tessera/shared";

export const DEMO_NAMESPACE = "tessera-demo";
export const ROUTER_NAMESPACE = "tessera-system";
/** Pods with this label get a simulated engine from the cluster harness (`--pod-engines`). */
export const ENGINE_SELECTOR = "tessera.io/engine=sim";
/** Services of routers carry this label; the API lists them as the cluster's router endpoints. */
export const ROUTER_SERVICE_LABEL = { "tessera.io/component": "router" } as const;
/** Where the API reaches a router's /debug/* endpoints (the router runs outside the cluster here). */
export const ADMIN_URL_ANNOTATION = "tessera.io/admin-url";

export interface ClusterDemo {
  /** Model name clients use. */
  model: string;
  /** Model the engines serve (the router rewrites `model` to it). */
  servedModel: string;
  /** Serving pods (one entry pod per role replica, 1 GPU each). */
  replicas: number;
  enginePort: number;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
}

const [ENGINE_KEY, ENGINE_VALUE] = ENGINE_SELECTOR.split("=") as [string, string];

export function demoModelObjects(d: ClusterDemo): KubeObject[] {
  const name = "demo";
  const container = {
    name: "engine",
    image: "vllm/vllm-openai:v0.9.0",
    args: ["--model", d.servedModel, "--port", String(d.enginePort)],
    ports: [{ name: "http", containerPort: d.enginePort }],
    resources: { limits: { "nvidia.com/gpu": 1, cpu: "4", memory: "16Gi" } },
  };
  return [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: DEMO_NAMESPACE } },
    {
      apiVersion: "workload.serving.volcano.sh/v1alpha1",
      kind: "ModelServing",
      metadata: { name, namespace: DEMO_NAMESPACE, labels: { "tessera.io/demo": "true" } },
      spec: {
        schedulerName: "volcano",
        replicas: 1,
        template: {
          roles: [
            {
              name: "server",
              replicas: d.replicas,
              workerReplicas: 0,
              entryTemplate: {
                metadata: {
                  labels: { [ENGINE_KEY]: ENGINE_VALUE },
                  annotations: {
                    [MODEL_ANNOTATION]: d.servedModel,
                    [PORT_ANNOTATION]: String(d.enginePort),
                  },
                },
                spec: { containers: [container] },
              },
            },
          ],
        },
      },
    },
    {
      apiVersion: "networking.serving.volcano.sh/v1alpha1",
      kind: "ModelServer",
      metadata: { name, namespace: DEMO_NAMESPACE },
      spec: {
        model: d.servedModel,
        inferenceEngine: "vLLM",
        workloadPort: { port: d.enginePort },
        workloadSelector: { matchLabels: { [LABEL_MODEL_SERVING_NAME]: name } },
        trafficPolicy: { timeout: "30s", retry: { attempts: 2 } },
      },
    },
    {
      apiVersion: "networking.serving.volcano.sh/v1alpha1",
      kind: "ModelRoute",
      metadata: { name, namespace: DEMO_NAMESPACE },
      spec: {
        modelName: d.model,
        rules: [{ name: "default", targetModels: [{ modelServerName: name }] }],
      },
    },
  ];
}

/**
 * The router's Service: no selector (the router is a process on this machine, not a pod), the
 * component label the API lists routers by, and the admin URL the API reads debug data from.
 */
export function routerServiceObjects(routerUrl: string, port: number): KubeObject[] {
  return [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: ROUTER_NAMESPACE } },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: {
        name: "tessera-router",
        namespace: ROUTER_NAMESPACE,
        labels: { ...ROUTER_SERVICE_LABEL, "app.kubernetes.io/part-of": "tessera" },
        annotations: {
          [ADMIN_URL_ANNOTATION]: routerUrl,
          "tessera.io/description":
            "tessera-router started by npm start on the host (outside the cluster)",
        },
      },
      spec: { type: "ClusterIP", ports: [{ name: "http", port, targetPort: port }] },
    },
  ];
}

const PLURALS: Record<string, string> = {
  Namespace: "namespaces",
  Service: "services",
  ModelServing: "modelservings",
  ModelServer: "modelservers",
  ModelRoute: "modelroutes",
};

/** REST path of an object (for server-side apply of the raw object). */
export function objectPath(o: KubeObject): string {
  const plural = PLURALS[o.kind];
  if (!plural) throw new Error(`objectPath: no resource known for kind ${o.kind}`);
  const base = o.apiVersion.includes("/") ? `/apis/${o.apiVersion}` : `/api/${o.apiVersion}`;
  const ns = o.metadata.namespace ? `/namespaces/${o.metadata.namespace}` : "";
  return `${base}${ns}/${plural}/${o.metadata.name}`;
}
