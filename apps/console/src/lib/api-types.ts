// The API's data shapes as the console receives them, inferred from its `AppRouter` (JSON over the
// wire: dates arrive as strings, and tRPC's output inference says so). Nothing here is written by
// hand: when the API changes a shape, `npm run typecheck` points at every page that reads it.
import type { AppRouter } from "@tessera/api/trpc";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;

type Item<T> = T extends readonly (infer I)[]
  ? I
  : T extends { items: readonly (infer I)[] }
    ? I
    : never;

export type Cluster = Item<RouterOutputs["clusters"]["list"]>;
/** What the console needs to address a cluster: by name in URLs, by id in calls. */
export type ClusterRef = Pick<Cluster, "id" | "name">;
export type ClusterStatus = Cluster["status"];
export type Inventory = RouterOutputs["clusters"]["inventory"];
export type Deployment = Item<RouterOutputs["deployments"]["list"]>;
export type DeploymentLive = Item<RouterOutputs["deployments"]["status"]>;
export type Tenant = Item<RouterOutputs["tenants"]["list"]>;
export type ApiKey = Item<RouterOutputs["keys"]["list"]>;
export type Quota = Item<RouterOutputs["quotas"]["list"]>;
export type UsageSummary = RouterOutputs["usage"]["summary"];
export type Member = Item<RouterOutputs["tenants"]["members"]>;
export type Me = RouterOutputs["auth"]["me"];
export type SavedDesign = Item<RouterOutputs["topologies"]["list"]>;
export type DesignSpec = RouterInputs["topologies"]["save"]["spec"];
