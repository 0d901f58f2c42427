// Valid base manifests of every kind and one invalid variant per rule, shared by the zod tests
// (invalid-variants.test.ts) and the CRD replay tests (src/crd/crd-replay.test.ts), so the CRDs are
// checked to reject exactly what the zod schemas reject.
// Mutations reach into untyped manifests on purpose.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return */

export type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const container = (name: string) => ({ name, image: "vllm/vllm-openai:latest" });
const template = (name: string) => ({ spec: { containers: [container(name)] } });

export function modelServing(): Obj {
  return {
    apiVersion: "workload.serving.volcano.sh/v1alpha1",
    kind: "ModelServing",
    metadata: { name: "sample", namespace: "default" },
    spec: {
      replicas: 2,
      template: {
        gangPolicy: { minRoleReplicas: { prefill: 1 } },
        roles: [
          {
            name: "prefill",
            replicas: 2,
            entryTemplate: template("leader"),
            workerReplicas: 1,
            workerTemplate: template("worker"),
          },
          { name: "decode", replicas: 2, entryTemplate: template("leader"), workerReplicas: 0 },
        ],
      },
    },
  };
}

export function modelRoute(): Obj {
  return {
    apiVersion: "networking.serving.volcano.sh/v1alpha1",
    kind: "ModelRoute",
    metadata: { name: "route" },
    spec: {
      modelName: "deepseek",
      rules: [
        {
          name: "premium",
          modelMatch: { headers: { "user-type": { exact: "premium" } } },
          targetModels: [{ modelServerName: "ds-7b" }],
        },
      ],
    },
  };
}

export function modelServer(): Obj {
  return {
    apiVersion: "networking.serving.volcano.sh/v1alpha1",
    kind: "ModelServer",
    metadata: { name: "server" },
    spec: {
      model: "deepseek-ai/DeepSeek-R1",
      inferenceEngine: "vLLM",
      workloadSelector: {
        matchLabels: { "modelserving.volcano.sh/name": "ds" },
        pdGroup: {
          groupKey: "modelserving.volcano.sh/group-name",
          prefillLabels: { "modelserving.volcano.sh/role": "prefill" },
          decodeLabels: { "modelserving.volcano.sh/role": "decode" },
        },
      },
      workloadPort: { port: 8000 },
      trafficPolicy: { timeout: "10s" },
    },
  };
}

export function modelBooster(): Obj {
  return {
    apiVersion: "workload.serving.volcano.sh/v1alpha1",
    kind: "ModelBooster",
    metadata: { name: "demo" },
    spec: {
      backend: {
        name: "backend1",
        type: "vLLM",
        modelURI: "hf://Qwen/Qwen2.5-0.5B-Instruct",
        cacheURI: "hostpath://tmp/cache",
        workers: [
          {
            type: "server",
            image: "vllm/vllm-openai",
            replicas: 1,
            pods: 1,
            resources: { limits: { cpu: "4" } },
          },
        ],
      },
    },
  };
}

export function homogeneousPolicy(): Obj {
  return {
    apiVersion: "workload.serving.volcano.sh/v1alpha1",
    kind: "AutoscalingPolicy",
    metadata: { name: "policy" },
    spec: {
      metrics: [{ name: "rps", targetValue: "0.5" }],
      behavior: {
        scaleDown: { period: "15s", stabilizationWindow: "30s" },
        scaleUp: { stablePolicy: { period: "15s" }, panicPolicy: { period: "5s" } },
      },
      homogeneousTarget: {
        minReplicas: 1,
        maxReplicas: 6,
        target: {
          targetRef: { kind: "ModelServing", name: "ms" },
          metricSources: {
            rps: { prometheus: { serverURL: "http://prom:9090", query: "sum(x)" } },
          },
        },
      },
    },
  };
}

export function disaggregatedPolicy(): Obj {
  const p = homogeneousPolicy();
  delete p["spec"].homogeneousTarget;
  p["spec"].disaggregatedTarget = {
    targetRef: { kind: "ModelServing", name: "pd" },
    roles: {
      prefill: { minReplicas: 1, maxReplicas: 8 },
      decode: { minReplicas: 1, maxReplicas: 16 },
    },
    ratioConstraint: {
      numeratorRole: "prefill",
      denominatorRole: "decode",
      minRatio: "0.25",
      maxRatio: "1",
    },
  };
  return p;
}

export function podGroup(): Obj {
  return {
    apiVersion: "scheduling.volcano.sh/v1beta1",
    kind: "PodGroup",
    metadata: { name: "sample-0" },
    spec: {
      minMember: 4,
      networkTopology: { mode: "hard", highestTierAllowed: 1 },
      subGroupPolicy: [{ name: "prefill", subGroupSize: 2, minSubGroups: 1 }],
    },
  };
}

export function hyperNode(): Obj {
  return {
    apiVersion: "topology.volcano.sh/v1alpha1",
    kind: "HyperNode",
    metadata: { name: "s0" },
    spec: {
      tier: 1,
      members: [{ type: "Node", selector: { regexMatch: { pattern: "node-[01]" } } }],
    },
  };
}

export interface Case {
  rule: string;
  base: () => Obj;
  mutate: (o: Obj) => void;
  path: string;
  message: string | RegExp;
  /** Why the generated CRD cannot reject this one (the apiserver or kubectl checks it instead). */
  notInCrd?: string;
}

const roles = (o: Obj) => o["spec"].template.roles as Obj[];
const role0 = (o: Obj) => roles(o)[0] as Obj;
const rule0 = (o: Obj) => o["spec"].rules[0] as Obj;

export const cases: Case[] = [
  // ModelServing: roles
  {
    rule: "at least one role",
    base: modelServing,
    mutate: (o) => (o["spec"].template.roles = []),
    path: "spec.template.roles",
    message: "at least 1 item",
  },
  {
    rule: "at most four roles",
    base: modelServing,
    mutate: (o) =>
      roles(o).push(
        ...["a", "b", "c"].map((n) => ({
          name: n,
          entryTemplate: template("x"),
          workerReplicas: 0,
        })),
      ),
    path: "spec.template.roles",
    message: "at most 4 item",
  },
  {
    rule: "role name is DNS-1035 (lower case)",
    base: modelServing,
    mutate: (o) => (role0(o)["name"] = "Prefill"),
    path: "spec.template.roles[0].name",
    message: "DNS-1035",
  },
  {
    rule: "role name is DNS-1035 (starts with a letter)",
    base: modelServing,
    mutate: (o) => (role0(o)["name"] = "1prefill"),
    path: "spec.template.roles[0].name",
    message: "DNS-1035",
  },
  {
    rule: "role name at most 12 characters",
    base: modelServing,
    mutate: (o) => (role0(o)["name"] = "prefillprefil"),
    path: "spec.template.roles[0].name",
    message: "at most 12",
  },
  {
    rule: "role names unique",
    base: modelServing,
    mutate: (o) => ((roles(o)[1] as Obj)["name"] = "prefill"),
    path: "spec.template.roles[1].name",
    message: 'duplicate role name "prefill"',
  },
  {
    rule: "workerTemplate required when workerReplicas > 0",
    base: modelServing,
    mutate: (o) => delete role0(o)["workerTemplate"],
    path: "spec.template.roles[0].workerTemplate",
    message: "required when workerReplicas > 0",
  },
  {
    rule: "workerReplicas required",
    base: modelServing,
    mutate: (o) => delete role0(o)["workerReplicas"],
    path: "spec.template.roles[0].workerReplicas",
    message: "required",
  },
  {
    rule: "workerReplicas non-negative",
    base: modelServing,
    mutate: (o) => (role0(o)["workerReplicas"] = -1),
    path: "spec.template.roles[0].workerReplicas",
    message: ">= 0",
  },
  {
    rule: "role replicas is an integer",
    base: modelServing,
    mutate: (o) => (role0(o)["replicas"] = 1.5),
    path: "spec.template.roles[0].replicas",
    message: "must be an integer",
  },
  {
    rule: "entryTemplate required",
    base: modelServing,
    mutate: (o) => delete role0(o)["entryTemplate"],
    path: "spec.template.roles[0].entryTemplate",
    message: "required",
  },
  {
    rule: "entry pod needs a container",
    base: modelServing,
    mutate: (o) => (role0(o)["entryTemplate"].spec.containers = []),
    path: "spec.template.roles[0].entryTemplate.spec.containers",
    message: "at least 1 container",
  },
  {
    rule: "worker pods need a container",
    base: modelServing,
    mutate: (o) => (role0(o)["workerTemplate"].spec.containers = []),
    path: "spec.template.roles[0].workerTemplate.spec.containers",
    message: "at least 1 container when workerReplicas > 0",
  },
  {
    rule: "container image required",
    base: modelServing,
    mutate: (o) => delete role0(o)["entryTemplate"].spec.containers[0].image,
    path: "spec.template.roles[0].entryTemplate.spec.containers[0].image",
    message: "required",
  },
  {
    rule: "container image without whitespace",
    base: modelServing,
    mutate: (o) => (role0(o)["entryTemplate"].spec.containers[0].image = "vllm openai"),
    path: "spec.template.roles[0].entryTemplate.spec.containers[0].image",
    message: "whitespace",
  },
  {
    rule: "container name is DNS-1123",
    base: modelServing,
    mutate: (o) => (role0(o)["entryTemplate"].spec.containers[0].name = "Leader"),
    path: "spec.template.roles[0].entryTemplate.spec.containers[0].name",
    message: "DNS-1123",
  },
  {
    rule: "template labels are strings",
    base: modelServing,
    mutate: (o) => (role0(o)["entryTemplate"].metadata = { labels: { tier: 1 } }),
    path: "spec.template.roles[0].entryTemplate.metadata.labels.tier",
    message: "must be a string",
  },
  {
    rule: "template metadata keeps only labels/annotations",
    base: modelServing,
    mutate: (o) => (role0(o)["entryTemplate"].metadata = { name: "x" }),
    path: "spec.template.roles[0].entryTemplate.metadata.name",
    message: "unknown field",
  },
  // ModelServing: gang policy
  {
    rule: "minRoleReplicas keys name roles",
    base: modelServing,
    mutate: (o) => (o["spec"].template.gangPolicy.minRoleReplicas.ghost = 1),
    path: "spec.template.gangPolicy.minRoleReplicas.ghost",
    message: '"ghost" is not a role',
  },
  {
    rule: "minRoleReplicas not above role replicas",
    base: modelServing,
    mutate: (o) => (o["spec"].template.gangPolicy.minRoleReplicas.prefill = 3),
    path: "spec.template.gangPolicy.minRoleReplicas.prefill",
    message: "must not exceed the role's replicas (2)",
  },
  {
    rule: "minRoleReplicas non-negative",
    base: modelServing,
    mutate: (o) => (o["spec"].template.gangPolicy.minRoleReplicas.prefill = -1),
    path: "spec.template.gangPolicy.minRoleReplicas.prefill",
    message: ">= 0",
  },
  {
    rule: "networkTopology mode enum",
    base: modelServing,
    mutate: (o) => (o["spec"].template.networkTopology = { groupPolicy: { mode: "strict" } }),
    path: "spec.template.networkTopology.groupPolicy.mode",
    message: "one of: hard, soft",
  },
  {
    rule: "restartGracePeriodSeconds non-negative",
    base: modelServing,
    mutate: (o) => (o["spec"].template.restartGracePeriodSeconds = -5),
    path: "spec.template.restartGracePeriodSeconds",
    message: ">= 0",
  },
  {
    rule: "replicas non-negative",
    base: modelServing,
    mutate: (o) => (o["spec"].replicas = -1),
    path: "spec.replicas",
    message: ">= 0",
  },
  // ModelServing: rollout and recovery
  {
    rule: "maxUnavailable not 0",
    base: modelServing,
    mutate: (o) =>
      (o["spec"].rolloutStrategy = { rollingUpdateConfiguration: { maxUnavailable: 0 } }),
    path: "spec.rolloutStrategy.rollingUpdateConfiguration.maxUnavailable",
    message: "must not be 0",
  },
  {
    rule: "maxUnavailable not 0%",
    base: modelServing,
    mutate: (o) =>
      (o["spec"].rolloutStrategy = { rollingUpdateConfiguration: { maxUnavailable: "0%" } }),
    path: "spec.rolloutStrategy.rollingUpdateConfiguration.maxUnavailable",
    message: "must not be 0",
  },
  {
    rule: "maxUnavailable int-or-percent",
    base: modelServing,
    mutate: (o) =>
      (o["spec"].rolloutStrategy = { rollingUpdateConfiguration: { maxUnavailable: "half" } }),
    path: "spec.rolloutStrategy.rollingUpdateConfiguration.maxUnavailable",
    message: "non-negative integer or a percentage",
  },
  {
    rule: "maxUnavailable non-negative",
    base: modelServing,
    mutate: (o) =>
      (o["spec"].rolloutStrategy = { rollingUpdateConfiguration: { maxUnavailable: -1 } }),
    path: "spec.rolloutStrategy.rollingUpdateConfiguration.maxUnavailable",
    message: "non-negative integer or a percentage",
  },
  {
    rule: "partition int-or-percent (a bare number string)",
    base: modelServing,
    mutate: (o) =>
      (o["spec"].rolloutStrategy = { rollingUpdateConfiguration: { partition: "50" } }),
    path: "spec.rolloutStrategy.rollingUpdateConfiguration.partition",
    message: "non-negative integer or a percentage",
  },
  {
    rule: "role partition only with RoleRollingUpdate",
    base: modelServing,
    mutate: (o) => (role0(o)["partition"] = 1),
    path: "spec.template.roles[0].partition",
    message: "only allowed when rolloutStrategy.type is RoleRollingUpdate",
  },
  {
    rule: "rollingUpdateConfiguration only with ServingGroupRollingUpdate",
    base: modelServing,
    mutate: (o) =>
      (o["spec"].rolloutStrategy = {
        type: "RoleRollingUpdate",
        rollingUpdateConfiguration: { maxUnavailable: 1 },
      }),
    path: "spec.rolloutStrategy.rollingUpdateConfiguration",
    message: "only allowed when type is ServingGroupRollingUpdate",
  },
  {
    rule: "ServingGroupRecreate with RoleRollingUpdate rejected",
    base: modelServing,
    mutate: (o) =>
      Object.assign(o["spec"], {
        recoveryPolicy: "ServingGroupRecreate",
        rolloutStrategy: { type: "RoleRollingUpdate" },
      }),
    path: "spec.recoveryPolicy",
    message: "cannot be combined",
  },
  {
    rule: "recoveryPolicy enum",
    base: modelServing,
    mutate: (o) => (o["spec"].recoveryPolicy = "Restart"),
    path: "spec.recoveryPolicy",
    message: "one of: RoleRecreate, ServingGroupRecreate, None",
  },
  {
    rule: "rolloutStrategy type enum",
    base: modelServing,
    mutate: (o) => (o["spec"].rolloutStrategy = { type: "Recreate" }),
    path: "spec.rolloutStrategy.type",
    message: "one of: ServingGroupRollingUpdate, RoleRollingUpdate",
  },
  {
    rule: "role maxUnavailable not 0",
    base: modelServing,
    mutate: (o) => (role0(o)["maxUnavailable"] = 0),
    path: "spec.template.roles[0].maxUnavailable",
    message: "must not be 0",
  },
  {
    rule: "role maxUnavailable not above replicas",
    base: modelServing,
    mutate: (o) => (role0(o)["maxUnavailable"] = 3),
    path: "spec.template.roles[0].maxUnavailable",
    message: "must not exceed the role's replicas",
  },
  {
    rule: "plugin type enum",
    base: modelServing,
    mutate: (o) => (o["spec"].plugins = [{ name: "p", type: "Webhook" }]),
    path: "spec.plugins[0].type",
    message: 'must be "BuiltIn"',
  },
  // ModelServing: object-level
  {
    rule: "unknown fields reported",
    base: modelServing,
    mutate: (o) => (o["spec"].template.gangpolicy = {}),
    path: "spec.template.gangpolicy",
    message: "unknown field",
  },
  {
    rule: "name yields DNS-1035 pod names",
    base: modelServing,
    mutate: (o) => (o["metadata"].name = "1sample"),
    path: "metadata.name",
    message: "must start with a letter",
  },
  {
    rule: "generated names fit 63 characters",
    base: modelServing,
    mutate: (o) => (o["metadata"].name = "a".repeat(50)),
    path: "metadata.name",
    message: "too long",
  },
  {
    rule: "name required",
    base: modelServing,
    mutate: (o) => delete o["metadata"].name,
    path: "metadata.name",
    message: "required",
    notInCrd: "the apiserver requires a name itself",
  },
  {
    rule: "apiVersion matches the kind",
    base: modelServing,
    mutate: (o) => (o["apiVersion"] = "workload.serving.volcano.sh/v1beta1"),
    path: "apiVersion",
    message: "must be workload.serving.volcano.sh/v1alpha1",
    notInCrd: "a different version is a different API",
  },
  {
    rule: "spec required",
    base: modelServing,
    mutate: (o) => delete o["spec"],
    path: "spec",
    message: "required",
  },
  // ModelRoute
  {
    rule: "modelName and loraAdapters not both empty",
    base: modelRoute,
    mutate: (o) => delete o["spec"].modelName,
    path: "spec.modelName",
    message: "must not both be empty",
  },
  {
    rule: "at most 10 loraAdapters",
    base: modelRoute,
    mutate: (o) => (o["spec"].loraAdapters = Array.from({ length: 11 }, (_, i) => `lora-${i}`)),
    path: "spec.loraAdapters",
    message: "at most 10",
  },
  {
    rule: "at most 16 rules",
    base: modelRoute,
    mutate: (o) => (o["spec"].rules = Array.from({ length: 17 }, () => rule0(o))),
    path: "spec.rules",
    message: "at most 16",
  },
  {
    rule: "at least one target",
    base: modelRoute,
    mutate: (o) => (rule0(o)["targetModels"] = []),
    path: "spec.rules[0].targetModels",
    message: "at least 1",
  },
  {
    rule: "at most 16 targets",
    base: modelRoute,
    mutate: (o) =>
      (rule0(o)["targetModels"] = Array.from({ length: 17 }, (_, i) => ({
        modelServerName: `s${i}`,
      }))),
    path: "spec.rules[0].targetModels",
    message: "at most 16",
  },
  {
    rule: "target names one backend, not two",
    base: modelRoute,
    mutate: (o) => (rule0(o)["targetModels"][0].externalModelProviderName = "openai"),
    path: "spec.rules[0].targetModels[0]",
    message: "exactly one of modelServerName or externalModelProviderName",
  },
  {
    rule: "target names a backend",
    base: modelRoute,
    mutate: (o) => (rule0(o)["targetModels"] = [{ weight: 100 }]),
    path: "spec.rules[0].targetModels[0]",
    message: "exactly one of modelServerName or externalModelProviderName",
  },
  {
    rule: "weight at most 100",
    base: modelRoute,
    mutate: (o) => (rule0(o)["targetModels"][0].weight = 101),
    path: "spec.rules[0].targetModels[0].weight",
    message: "<= 100",
  },
  {
    rule: "weights all-or-none",
    base: modelRoute,
    mutate: (o) =>
      (rule0(o)["targetModels"] = [{ modelServerName: "a", weight: 70 }, { modelServerName: "b" }]),
    path: "spec.rules[0].targetModels",
    message: "either every target has a weight or none",
  },
  {
    rule: "string match has one operator",
    base: modelRoute,
    mutate: (o) => (rule0(o)["modelMatch"].headers["user-type"].prefix = "p"),
    path: "spec.rules[0].modelMatch.headers.user-type",
    message: "exactly one of exact, prefix or regex",
  },
  {
    rule: "string match is not empty",
    base: modelRoute,
    mutate: (o) => (rule0(o)["modelMatch"].uri = {}),
    path: "spec.rules[0].modelMatch.uri",
    message: "exactly one of exact, prefix or regex",
  },
  {
    rule: "rate limit unit enum",
    base: modelRoute,
    mutate: (o) => (o["spec"].rateLimit = { inputTokensPerUnit: 10, unit: "week" }),
    path: "spec.rateLimit.unit",
    message: "one of: second, minute, hour, day, month",
  },
  {
    rule: "rate limit at least 1 token",
    base: modelRoute,
    mutate: (o) => (o["spec"].rateLimit = { outputTokensPerUnit: 0 }),
    path: "spec.rateLimit.outputTokensPerUnit",
    message: ">= 1",
  },
  {
    rule: "parentRef needs a name",
    base: modelRoute,
    mutate: (o) => (o["spec"].parentRefs = [{ kind: "Gateway" }]),
    path: "spec.parentRefs[0].name",
    message: "required",
  },
  {
    rule: "unknown rule field",
    base: modelRoute,
    mutate: (o) => (rule0(o)["match"] = {}),
    path: "spec.rules[0].match",
    message: "unknown field",
  },
  // ModelServer
  {
    rule: "inferenceEngine required",
    base: modelServer,
    mutate: (o) => delete o["spec"].inferenceEngine,
    path: "spec.inferenceEngine",
    message: "required",
  },
  {
    rule: "inferenceEngine enum",
    base: modelServer,
    mutate: (o) => (o["spec"].inferenceEngine = "TGI"),
    path: "spec.inferenceEngine",
    message: "one of: vLLM, SGLang",
  },
  {
    rule: "workloadSelector required",
    base: modelServer,
    mutate: (o) => delete o["spec"].workloadSelector,
    path: "spec.workloadSelector",
    message: "required",
  },
  {
    rule: "port at least 1",
    base: modelServer,
    mutate: (o) => (o["spec"].workloadPort.port = 0),
    path: "spec.workloadPort.port",
    message: ">= 1",
  },
  {
    rule: "port at most 65535",
    base: modelServer,
    mutate: (o) => (o["spec"].workloadPort.port = 70000),
    path: "spec.workloadPort.port",
    message: "<= 65535",
  },
  {
    rule: "protocol enum",
    base: modelServer,
    mutate: (o) => (o["spec"].workloadPort.protocol = "grpc"),
    path: "spec.workloadPort.protocol",
    message: "one of: http, https",
  },
  {
    rule: "kvConnector enum",
    base: modelServer,
    mutate: (o) => (o["spec"].kvConnector = { type: "rdma" }),
    path: "spec.kvConnector.type",
    message: "one of: http, lmcache, nixl, mooncake",
  },
  {
    rule: "model at most 256 characters",
    base: modelServer,
    mutate: (o) => (o["spec"].model = "m".repeat(257)),
    path: "spec.model",
    message: "at most 256",
  },
  {
    rule: "timeout is a duration",
    base: modelServer,
    mutate: (o) => (o["spec"].trafficPolicy.timeout = "10"),
    path: "spec.trafficPolicy.timeout",
    message: "duration",
  },
  {
    rule: "pdGroup needs groupKey",
    base: modelServer,
    mutate: (o) => delete o["spec"].workloadSelector.pdGroup.groupKey,
    path: "spec.workloadSelector.pdGroup.groupKey",
    message: "required",
  },
  {
    rule: "pdGroup labels not empty",
    base: modelServer,
    mutate: (o) => (o["spec"].workloadSelector.pdGroup.prefillLabels = {}),
    path: "spec.workloadSelector.pdGroup.prefillLabels",
    message: "must not be empty",
  },
  // ModelBooster
  {
    rule: "backend type enum",
    base: modelBooster,
    mutate: (o) => (o["spec"].backend.type = "MindIE"),
    path: "spec.backend.type",
    message: "one of: vLLM, vLLMDisaggregated, SGLang",
  },
  {
    rule: "at least one worker",
    base: modelBooster,
    mutate: (o) => (o["spec"].backend.workers = []),
    path: "spec.backend.workers",
    message: "at least 1",
  },
  {
    rule: "worker type enum",
    base: modelBooster,
    mutate: (o) => (o["spec"].backend.workers[0].type = "leader"),
    path: "spec.backend.workers[0].type",
    message: "one of: server, prefill, decode",
  },
  {
    rule: "spec.name at most 64 characters",
    base: modelBooster,
    mutate: (o) => (o["spec"].name = "n".repeat(65)),
    path: "spec.name",
    message: "at most 64",
  },
  {
    rule: "modelURI scheme",
    base: modelBooster,
    mutate: (o) => (o["spec"].backend.modelURI = "http://example.com/model"),
    path: "spec.backend.modelURI",
    message: "hf://",
  },
  {
    rule: "cacheURI scheme",
    base: modelBooster,
    mutate: (o) => (o["spec"].backend.cacheURI = "nfs://cache"),
    path: "spec.backend.cacheURI",
    message: "pvc:// or hostpath://",
  },
  {
    rule: "resources are quantities (quoted decimals)",
    base: modelBooster,
    mutate: (o) => (o["spec"].backend.workers[0].resources.limits.cpu = 0.5),
    path: "spec.backend.workers[0].resources.limits.cpu",
    message: "quantity",
  },
  // AutoscalingPolicy
  {
    rule: "a target is required",
    base: homogeneousPolicy,
    mutate: (o) => delete o["spec"].homogeneousTarget,
    path: "spec",
    message: "exactly one of homogeneousTarget, heterogeneousTarget or disaggregatedTarget",
  },
  {
    rule: "only one target kind",
    base: homogeneousPolicy,
    mutate: (o) =>
      (o["spec"].heterogeneousTarget = {
        params: [{ cost: 1, minReplicas: 0, maxReplicas: 2, target: { targetRef: { name: "x" } } }],
      }),
    path: "spec",
    message: "exactly one of homogeneousTarget, heterogeneousTarget or disaggregatedTarget",
  },
  {
    rule: "tolerancePercent at most 100",
    base: homogeneousPolicy,
    mutate: (o) => (o["spec"].tolerancePercent = 101),
    path: "spec.tolerancePercent",
    message: "<= 100",
  },
  {
    rule: "stable percent at most 1000",
    base: homogeneousPolicy,
    mutate: (o) => (o["spec"].behavior.scaleDown.percent = 1001),
    path: "spec.behavior.scaleDown.percent",
    message: "<= 1000",
  },
  {
    rule: "panicThresholdPercent at least 110",
    base: homogeneousPolicy,
    mutate: (o) => (o["spec"].behavior.scaleUp.panicPolicy.panicThresholdPercent = 100),
    path: "spec.behavior.scaleUp.panicPolicy.panicThresholdPercent",
    message: ">= 110",
  },
  {
    rule: "panic period required",
    base: homogeneousPolicy,
    mutate: (o) => delete o["spec"].behavior.scaleUp.panicPolicy.period,
    path: "spec.behavior.scaleUp.panicPolicy.period",
    message: "required",
  },
  {
    rule: "selectPolicy enum",
    base: homogeneousPolicy,
    mutate: (o) => (o["spec"].behavior.scaleDown.selectPolicy = "Xor"),
    path: "spec.behavior.scaleDown.selectPolicy",
    message: "one of: Or, And",
  },
  {
    rule: "period is a duration",
    base: homogeneousPolicy,
    mutate: (o) => (o["spec"].behavior.scaleUp.stablePolicy.period = "fast"),
    path: "spec.behavior.scaleUp.stablePolicy.period",
    message: "duration",
  },
  {
    rule: "minReplicas not above maxReplicas",
    base: homogeneousPolicy,
    mutate: (o) => (o["spec"].homogeneousTarget.minReplicas = 7),
    path: "spec.homogeneousTarget.minReplicas",
    message: "must not exceed maxReplicas",
  },
  {
    rule: "maxReplicas at least 1",
    base: homogeneousPolicy,
    mutate: (o) => Object.assign(o["spec"].homogeneousTarget, { minReplicas: 0, maxReplicas: 0 }),
    path: "spec.homogeneousTarget.maxReplicas",
    message: ">= 1",
  },
  {
    rule: "only ModelServing targets",
    base: homogeneousPolicy,
    mutate: (o) => (o["spec"].homogeneousTarget.target.targetRef.kind = "Deployment"),
    path: "spec.homogeneousTarget.target.targetRef.kind",
    message: "only ModelServing",
  },
  {
    rule: "targetRef needs a name",
    base: homogeneousPolicy,
    mutate: (o) => delete o["spec"].homogeneousTarget.target.targetRef.name,
    path: "spec.homogeneousTarget.target.targetRef.name",
    message: "required",
  },
  {
    rule: "metric source: not both pod and prometheus",
    base: homogeneousPolicy,
    mutate: (o) => (o["spec"].homogeneousTarget.target.metricSources.rps.pod = { port: 8100 }),
    path: "spec.homogeneousTarget.target.metricSources.rps",
    message: "exactly one of pod or prometheus",
  },
  {
    rule: "metric source: one of pod or prometheus",
    base: homogeneousPolicy,
    mutate: (o) => (o["spec"].homogeneousTarget.target.metricSources.rps = {}),
    path: "spec.homogeneousTarget.target.metricSources.rps",
    message: "exactly one of pod or prometheus",
  },
  {
    rule: "pod metric port in range",
    base: homogeneousPolicy,
    mutate: (o) => (o["spec"].homogeneousTarget.target.metricSources.rps = { pod: { port: 0 } }),
    path: "spec.homogeneousTarget.target.metricSources.rps.pod.port",
    message: ">= 1",
  },
  {
    rule: "targetValue is a quantity",
    base: homogeneousPolicy,
    mutate: (o) => (o["spec"].metrics[0].targetValue = 0.5),
    path: "spec.metrics[0].targetValue",
    message: "quantity",
  },
  {
    rule: "heterogeneous needs params",
    base: homogeneousPolicy,
    mutate: (o) => {
      delete o["spec"].homogeneousTarget;
      o["spec"].heterogeneousTarget = { params: [] };
    },
    path: "spec.heterogeneousTarget.params",
    message: "at least 1",
  },
  {
    rule: "ratioConstraint needs two roles",
    base: disaggregatedPolicy,
    mutate: (o) => delete o["spec"].disaggregatedTarget.roles.decode,
    path: "spec.disaggregatedTarget.ratioConstraint",
    message: "needs exactly 2 roles",
  },
  {
    rule: "disaggregated target has 1..2 roles",
    base: disaggregatedPolicy,
    mutate: (o) => (o["spec"].disaggregatedTarget.roles.extra = { minReplicas: 0, maxReplicas: 1 }),
    path: "spec.disaggregatedTarget.roles",
    message: "1 or 2 roles",
  },
  {
    rule: "ratio roles exist",
    base: disaggregatedPolicy,
    mutate: (o) => (o["spec"].disaggregatedTarget.ratioConstraint.numeratorRole = "prefil"),
    path: "spec.disaggregatedTarget.ratioConstraint.numeratorRole",
    message: "must name a role",
  },
  {
    rule: "ratio roles differ",
    base: disaggregatedPolicy,
    mutate: (o) => (o["spec"].disaggregatedTarget.ratioConstraint.denominatorRole = "prefill"),
    path: "spec.disaggregatedTarget.ratioConstraint.denominatorRole",
    message: "must differ from numeratorRole",
  },
  // Volcano kinds
  {
    rule: "PodGroup minMember non-negative",
    base: podGroup,
    mutate: (o) => (o["spec"].minMember = -1),
    path: "spec.minMember",
    message: ">= 0",
  },
  {
    rule: "PodGroup topology mode enum",
    base: podGroup,
    mutate: (o) => (o["spec"].networkTopology.mode = "strict"),
    path: "spec.networkTopology.mode",
    message: "one of: hard, soft",
  },
  {
    rule: "PodGroup sub-group names unique",
    base: podGroup,
    mutate: (o) => o["spec"].subGroupPolicy.push({ name: "prefill" }),
    path: "spec.subGroupPolicy[1].name",
    message: "unique",
  },
  {
    rule: "HyperNode selector has one kind",
    base: hyperNode,
    mutate: (o) => (o["spec"].members[0].selector.exactMatch = { name: "node-0" }),
    path: "spec.members[0].selector",
    message: "exactly one of exactMatch, regexMatch or labelMatch",
  },
  {
    rule: "HyperNode member type enum",
    base: hyperNode,
    mutate: (o) => (o["spec"].members[0].type = "Switch"),
    path: "spec.members[0].type",
    message: "one of: Node, HyperNode",
  },
  {
    rule: "HyperNode tier required",
    base: hyperNode,
    mutate: (o) => delete o["spec"].tier,
    path: "spec.tier",
    message: "required",
  },
  // Any document
  {
    rule: "kind required",
    base: modelRoute,
    mutate: (o) => delete o["kind"],
    path: "kind",
    message: "required",
    notInCrd: "kubectl refuses documents without kind",
  },
  {
    rule: "apiVersion required",
    base: modelRoute,
    mutate: (o) => delete o["apiVersion"],
    path: "apiVersion",
    message: "required",
    notInCrd: "kubectl refuses documents without apiVersion",
  },
];
