// The one renderer of topology designs: spec → Kthena objects (ModelServing; ModelServer and
// ModelRoute unless routing is off; AutoscalingPolicy with autoscaling). The API renders saved
// versions and the console's live YAML with it, so what the designer shows is what deploy applies.
// Pure and browser-safe: the designer re-renders on every keystroke.
import { NETWORKING_API_VERSION, WORKLOAD_API_VERSION } from "../api/groups.ts";
import { LABEL_ENTRY, LABEL_GROUP_NAME, LABEL_MODEL_SERVING_NAME } from "../api/labels.ts";
import { validateManifest } from "../validate/validate-manifest.ts";
import { PD_ROLE_LABEL } from "./labels.ts";
import { multiNodeArgv } from "./multi-node.ts";
import type { EngineArgv } from "./multi-node.ts";
import { podsPerReplica } from "./spec.ts";
import type { DesignRole, DesignSpec } from "./spec.ts";

// A type alias, not an interface, so it is assignable to index-signature types such as the API's
// Manifest and tRPC's `Record<string, unknown>` input.
export type DesignManifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
  spec: Record<string, unknown>;
};

export const ENGINE_DEFAULTS = {
  vLLM: { image: "vllm/vllm-openai:latest", port: 8000 },
  SGLang: { image: "lmsysorg/sglang:latest", port: 30000 },
} as const satisfies Record<DesignSpec["engine"], { image: string; port: number }>;

/** Engine flags that make a prefill or decode role hand its KV cache over, or none for mixed. The
 * same choice as a vLLMDisaggregated ModelBooster (NIXL, which the ModelServer's kvConnector names);
 * SGLang's own disaggregation mode pairs with the router's built-in SGLang connector. */
function pdArgs(engine: DesignSpec["engine"], kind: DesignRole["kind"]): string[] {
  if (kind === "mixed") return [];
  if (engine === "SGLang") return ["--disaggregation-mode", kind];
  const role = kind === "prefill" ? "kv_producer" : "kv_consumer";
  return ["--kv-transfer-config", JSON.stringify({ kv_connector: "NixlConnector", kv_role: role })];
}

/** The vllm-openai image's entrypoint, named where a multi-node entry must wrap it. */
const VLLM_SERVER = ["python3", "-m", "vllm.entrypoints.openai.api_server"];

function container(spec: DesignSpec, r: DesignRole, entry: boolean) {
  const { port } = ENGINE_DEFAULTS[spec.engine];
  const weights = spec.modelUri ?? spec.model;
  // --served-model-name: clients (and the ModelServer's model rewrite) use the model name even
  // when the weights come from modelUri. --port matches containerPort whatever the image defaults.
  const common = ["--served-model-name", spec.model];
  const parallel = [
    "--tensor-parallel-size",
    String(r.tensorParallel),
    "--pipeline-parallel-size",
    String(r.pipelineParallel),
  ];
  const server: EngineArgv =
    spec.engine === "vLLM"
      ? { command: [...VLLM_SERVER], args: ["--model", weights, ...common, "--port", String(port)] }
      : {
          // The SGLang image has no server entrypoint, and the server listens on 127.0.0.1
          // unless told otherwise (as a SGLang ModelBooster renders it).
          command: ["python3", "-m", "sglang.launch_server"],
          args: ["--model-path", weights, ...common, "--host", "0.0.0.0", "--port", String(port)],
        };
  server.args.push(...parallel, ...pdArgs(spec.engine, r.kind));
  const pods = podsPerReplica(r);
  const multi = multiNodeArgv(spec.engine, server, pods);
  const launch = entry ? multi.entry : multi.worker;
  // A single-pod vLLM keeps the image's entrypoint (which is the server).
  const command = pods > 1 || spec.engine !== "vLLM" ? launch.command : undefined;
  return {
    name: entry ? "engine" : "worker",
    image: spec.image ?? ENGINE_DEFAULTS[spec.engine].image,
    ...(command ? { command } : {}),
    ...(launch.args.length > 0 ? { args: launch.args } : {}),
    // Only the entry pod serves HTTP; workers of a multi-node engine join it (the ModelServer
    // selects entry pods only).
    ...(entry ? { ports: [{ name: "http", containerPort: port }] } : {}),
    ...(r.gpusPerPod > 0
      ? {
          resources: {
            requests: { "nvidia.com/gpu": String(r.gpusPerPod) },
            limits: { "nvidia.com/gpu": String(r.gpusPerPod) },
          },
        }
      : {}),
  };
}

/** The labels sorted by key: PostgreSQL's jsonb does not keep a stored spec's key order, and the
 * YAML must not depend on it (kubectl prints labels sorted, too). */
const sortedLabels = (labels: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

function podTemplate(spec: DesignSpec, r: DesignRole, entry: boolean) {
  // PD_ROLE_LABEL is reserved (the schema rejects it in podLabels), so nothing is overwritten.
  return {
    metadata: { labels: sortedLabels({ ...spec.podLabels, [PD_ROLE_LABEL]: r.kind }) },
    spec: { containers: [container(spec, r, entry)] },
  };
}

// Built field by field, like every object here, so the output's key order is the renderer's own.
const topologyPolicy = (p: NonNullable<NonNullable<DesignSpec["networkTopology"]>["group"]>) => ({
  mode: p.mode,
  highestTierAllowed: p.highestTierAllowed,
});

function modelServing(spec: DesignSpec): DesignManifest {
  const roles = spec.roles.map((r) => {
    const workers = podsPerReplica(r) - 1;
    return {
      name: r.name,
      replicas: r.replicas,
      entryTemplate: podTemplate(spec, r, true),
      workerReplicas: workers,
      ...(workers > 0 ? { workerTemplate: podTemplate(spec, r, false) } : {}),
    };
  });
  // A missing minReplicas is all replicas, as Kthena reads a missing minRoleReplicas key.
  const minRoleReplicas =
    spec.gang === "relaxed"
      ? Object.fromEntries(spec.roles.map((r) => [r.name, r.minReplicas ?? r.replicas]))
      : undefined;
  const nt = spec.networkTopology;
  return {
    apiVersion: WORKLOAD_API_VERSION,
    kind: "ModelServing",
    metadata: { name: spec.name, namespace: spec.namespace },
    spec: {
      // No gang: no Volcano PodGroup at all (with volcano, Kthena always gangs all replicas).
      schedulerName: spec.gang === "none" ? "default-scheduler" : "volcano",
      replicas: spec.servingGroups,
      template: {
        ...(minRoleReplicas ? { gangPolicy: { minRoleReplicas } } : {}),
        ...(nt && (nt.group || nt.role)
          ? {
              networkTopology: {
                ...(nt.group ? { groupPolicy: topologyPolicy(nt.group) } : {}),
                ...(nt.role ? { rolePolicy: topologyPolicy(nt.role) } : {}),
              },
            }
          : {}),
        roles,
      },
    },
  };
}

function modelServer(spec: DesignSpec): DesignManifest {
  // PD pairing follows the role kinds, not the names, so "prefill-a" is a prefill role too.
  const pd = spec.roles.some((r) => r.kind === "prefill");
  return {
    apiVersion: NETWORKING_API_VERSION,
    kind: "ModelServer",
    metadata: { name: spec.name, namespace: spec.namespace },
    spec: {
      model: spec.model,
      inferenceEngine: spec.engine,
      workloadSelector: {
        // Labels the ModelServing controller sets on every pod (a template label such as `app`
        // could be overridden by the design's own podLabels).
        matchLabels: { [LABEL_MODEL_SERVING_NAME]: spec.name, [LABEL_ENTRY]: "true" },
        ...(pd
          ? {
              pdGroup: {
                groupKey: LABEL_GROUP_NAME,
                prefillLabels: { [PD_ROLE_LABEL]: "prefill" },
                decodeLabels: { [PD_ROLE_LABEL]: "decode" },
              },
            }
          : {}),
      },
      workloadPort: { port: ENGINE_DEFAULTS[spec.engine].port },
      // SGLang: the router always uses its SGLang bootstrap connector, so nothing to name.
      ...(pd && spec.engine === "vLLM" ? { kvConnector: { type: "nixl" } } : {}),
    },
  };
}

function modelRoute(spec: DesignSpec): DesignManifest {
  return {
    apiVersion: NETWORKING_API_VERSION,
    kind: "ModelRoute",
    metadata: { name: spec.name, namespace: spec.namespace },
    spec: {
      modelName: spec.model,
      rules: [{ name: "default", targetModels: [{ modelServerName: spec.name }] }],
    },
  };
}

function autoscalingPolicy(
  spec: DesignSpec,
  a: NonNullable<DesignSpec["autoscaling"]>,
): DesignManifest {
  return {
    apiVersion: WORKLOAD_API_VERSION,
    kind: "AutoscalingPolicy",
    metadata: { name: spec.name, namespace: spec.namespace },
    spec: {
      metrics: [{ name: a.metric, targetValue: String(a.targetValue) }],
      homogeneousTarget: {
        target: { targetRef: { kind: "ModelServing", name: spec.name } },
        minReplicas: a.minReplicas,
        maxReplicas: a.maxReplicas,
      },
    },
  };
}

/** Renders a parsed design spec to Kthena objects, in apply order. */
export function renderDesign(spec: DesignSpec): DesignManifest[] {
  const out = [modelServing(spec)];
  if (spec.routing !== false) out.push(modelServer(spec), modelRoute(spec));
  if (spec.autoscaling) out.push(autoscalingPolicy(spec, spec.autoscaling));
  return out;
}

export interface RenderedObjectIssue {
  /** `Kind/name` of the rendered object. */
  object: string;
  /** Field path in the object, kubectl style. */
  path: string;
  message: string;
}

/** Schema problems of rendered objects (a rendering bug, or a value only Kthena's own schemas
 * limit, such as more than 4 roles). */
export function manifestIssues(manifests: readonly DesignManifest[]): RenderedObjectIssue[] {
  return manifests.flatMap((m) => {
    const r = validateManifest(m);
    return "skipped" in r || r.ok
      ? []
      : r.issues.map((i) => ({ object: `${m.kind}/${m.metadata.name}`, ...i }));
  });
}

/** Renders and checks the result against the shared schemas (a rendering bug must not ship). */
export function renderAndValidate(spec: DesignSpec): {
  manifests: DesignManifest[];
  issues: RenderedObjectIssue[];
} {
  const manifests = renderDesign(spec);
  return { manifests, issues: manifestIssues(manifests) };
}
