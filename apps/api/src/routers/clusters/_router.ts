import { mutation, query, router } from "../../trpc/init.ts";
import { checkCluster, clusterInventory, getCluster } from "./get.handler.ts";
import { listClusters } from "./list.handler.ts";
import { clusterProvisioning, reportProvisioning } from "./provisioning.handler.ts";
import { registerCluster } from "./register.handler.ts";
import { clusterRouters, syncTenants } from "./routers.handler.ts";
import { removeCluster, updateCluster } from "./update.handler.ts";

export const clustersProcedures = [
  registerCluster,
  listClusters,
  getCluster,
  checkCluster,
  clusterInventory,
  clusterRouters,
  syncTenants,
  updateCluster,
  removeCluster,
  clusterProvisioning,
  reportProvisioning,
];

export const clustersRouter = router({
  register: mutation(registerCluster),
  list: query(listClusters),
  get: query(getCluster),
  check: mutation(checkCluster),
  inventory: query(clusterInventory),
  routers: query(clusterRouters),
  syncTenants: mutation(syncTenants),
  update: mutation(updateCluster),
  remove: mutation(removeCluster),
  provisioning: query(clusterProvisioning),
  reportProvisioning: mutation(reportProvisioning),
});
