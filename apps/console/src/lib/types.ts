// Shapes the console expects from the API's procedures (JSON: dates arrive as ISO strings).
export type ClusterStatus = "HEALTHY" | "DEGRADED" | "UNREACHABLE" | "PENDING" | "DISABLED";

export interface ClusterRef {
  id: string;
  name: string;
}

export interface Cluster extends ClusterRef {
  displayName: string;
  description?: string | null;
  region?: string | null;
  status: ClusterStatus;
  statusMessage?: string | null;
  kubernetesVersion?: string | null;
  lastCheckedAt?: string | null;
}

export interface NodeInventory {
  name: string;
  labels: Record<string, string>;
  ready: boolean;
  unschedulable: boolean;
  allocatableGpus: number;
  usedGpus: number;
  freeGpus: number;
  gpuProduct: string | null;
}

export interface HyperNodeInventory {
  name: string;
  tier: number;
  members: unknown[];
  labels: Record<string, string>;
}

export interface Inventory {
  nodes: NodeInventory[];
  gpus: { allocatable: number; used: number; free: number };
  hyperNodes: HyperNodeInventory[];
  queues?: { name: string; state: string | null; weight: number | null }[];
  /** Pods placed by the scheduler, when the API reports them (for the topology picture). */
  pods?: InventoryPod[];
  missing?: { kind: string; reason: string }[];
}

export interface InventoryPod {
  name: string;
  namespace: string;
  node: string | null;
  phase: string;
  labels: Record<string, string>;
}

export type DeploymentStatus = "PENDING" | "APPLIED" | "FAILED" | "DRIFTED" | "DELETED";

export interface Deployment {
  id: string;
  clusterId: string;
  cluster?: string;
  namespace: string;
  name: string;
  status: DeploymentStatus;
  statusMessage: string | null;
  revision: number;
  appliedAt: string | null;
}

export interface LiveObject {
  kind: string;
  name: string;
  present: boolean;
  status: Record<string, unknown> | null;
  generation: number | null;
  events: {
    type?: string;
    reason?: string;
    message?: string;
    lastTimestamp?: string | null;
    count?: number;
  }[];
}

export type DeploymentLive =
  | { cluster: string; clusterId: string; ok: true; objects: LiveObject[] }
  | { cluster: string; clusterId: string; ok: false; error: { code: string; message: string } };

export interface Tenant {
  id: string;
  slug: string;
  name: string;
  status: string;
  description?: string | null;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  allowedModels: string[];
  createdAt: string;
  lastUsedAt?: string | null;
  expiresAt?: string | null;
  revokedAt?: string | null;
}

export const QUOTA_FIELDS = [
  "totalTokensPerMinute",
  "totalTokensPerDay",
  "totalTokensPerMonth",
  "inputTokensPerMinute",
  "inputTokensPerDay",
  "inputTokensPerMonth",
  "outputTokensPerMinute",
  "outputTokensPerDay",
  "outputTokensPerMonth",
] as const;

export type Quota = {
  id: string;
  tenantId: string;
  /** "*" = every model without its own row. */
  model: string;
  requestsPerMinute: number | null;
  concurrentRequests: number | null;
} & Partial<Record<(typeof QUOTA_FIELDS)[number], number | null>>;

export interface UsageRow {
  day?: string;
  model?: string;
  apiKeyId?: string;
  apiKeyPrefix?: string;
  requests: number;
  errors: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  totalTokens: number;
  durationMsSum: number;
  avgTtftMs: number | null;
  cost: number;
}

export interface UsageSummary {
  currency: string;
  from: string;
  to: string;
  rows: UsageRow[];
  totals: {
    requests: number;
    errors: number;
    inputTokens: number;
    cachedInputTokens: number;
    outputTokens: number;
    totalTokens: number;
    cost: number;
  };
}
