// Inputs and outputs of the placement preview. Plain data: the API server, controller and console
// build these from Node objects, Volcano HyperNodes and ModelServings (see model-serving.ts).

export interface ClusterNode {
  name: string;
  labels?: Readonly<Record<string, string>>;
  allocatableGpus: number;
  freeGpus: number;
  /** Optional extra dimensions; undefined ⇒ not checked. */
  freeCpuMilli?: number;
  freeMemoryBytes?: number;
  /** Cordoned nodes take no pods. */
  unschedulable?: boolean;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  values?: readonly string[];
}

export interface LabelSelector {
  matchLabels?: Readonly<Record<string, string>>;
  matchExpressions?: readonly LabelSelectorRequirement[];
}

/** Volcano HyperNode `spec.members[].selector`: exactly one of the three. */
export interface MemberSelector {
  exactMatch?: { name: string };
  /** Go regexp semantics: unanchored match against the member name. */
  regexMatch?: { pattern: string };
  labelMatch?: LabelSelector;
}

export interface HyperNodeInput {
  name: string;
  /** 1 = leaf (members are nodes); 2+ = members are lower-tier HyperNodes. */
  tier: number;
  labels?: Readonly<Record<string, string>>;
  members: readonly { type: "Node" | "HyperNode"; selector: MemberSelector }[];
}

export interface Cluster {
  nodes: readonly ClusterNode[];
  hyperNodes: readonly HyperNodeInput[];
}

export interface PodRequest {
  gpus: number;
  cpuMilli?: number;
  memoryBytes?: number;
}

export interface RoleTemplate {
  name: string;
  /** Role replicas per ServingGroup. */
  replicas: number;
  /** Worker pods per role replica besides the entry pod. */
  workerReplicas: number;
  entry: PodRequest;
  worker: PodRequest;
}

/** Volcano NetworkTopologySpec. highestTierAllowed undefined ⇒ any tier (no limit). */
export interface TopologyPolicy {
  mode: "hard" | "soft";
  highestTierAllowed?: number;
}

export interface GroupTemplate {
  roles: readonly RoleTemplate[];
  /** Relaxed gang: role → role replicas that must be placed together; absent ⇒ strict gang (all pods). */
  minRoleReplicas?: Readonly<Record<string, number>>;
  /** Whole ServingGroup (the PodGroup's networkTopology). */
  groupPolicy?: TopologyPolicy;
  /** Each role replica (entry + workers; the PodGroup's subGroupPolicy networkTopology). */
  rolePolicy?: TopologyPolicy;
}

export interface DomainRef {
  name: string;
  tier: number;
}

export interface PodPlacement {
  /** `<group>-<role>-<replica>-<index>` as Kthena names pods (index 0 = entry). */
  pod: string;
  group: string;
  role: string;
  replica: number;
  index: number;
  gpus: number;
  cpuMilli?: number;
  memoryBytes?: number;
  node: string;
  /** HyperNode containing the node at each tier, lowest tier first. */
  hyperNodes: DomainRef[];
}

export interface RoleReplicaPlacement {
  role: string;
  replica: number;
  /** Part of the gang (minRoleReplicas, or every replica under a strict gang). */
  mandatory: boolean;
  placed: boolean;
  /** Tightest HyperNode holding all its pods (the one chosen for the role policy). */
  domain?: DomainRef;
  /** A soft role policy could not be met and was relaxed. */
  relaxed?: boolean;
}

export interface GroupPlacement {
  group: string;
  status: "Placed" | "Unschedulable";
  /** Why the gang cannot be placed (status Unschedulable), e.g. "Unschedulable: role decode needs …". */
  reason?: string;
  /** HyperNode holding the whole group when a group policy applies. */
  groupDomain?: DomainRef;
  /** A soft group or role policy was relaxed. */
  topologyRelaxed: boolean;
  roleReplicas: RoleReplicaPlacement[];
  pods: PodPlacement[];
  /** Depth-first search steps spent (diagnostics; bounded by PlacementOptions.searchBudget). */
  searchSteps: number;
}

export interface PlacementOptions {
  /** Maximum DFS steps per group before giving up (default 50 000). */
  searchBudget?: number;
  /** false ⇒ no backtracking (first candidate only): the naive first-fit baseline. */
  backtracking?: boolean;
}
