import { mutation, query, router } from "../../trpc/init.ts";
import { applyDeployment } from "./apply.handler.ts";
import { deployDesign } from "./deploy-design.handler.ts";
import { listDeployments } from "./list.handler.ts";
import { removeDeployment } from "./remove.handler.ts";
import { deploymentDrift, deploymentStatus } from "./status.handler.ts";

export const deploymentsProcedures = [
  applyDeployment,
  deployDesign,
  listDeployments,
  deploymentStatus,
  deploymentDrift,
  removeDeployment,
];

export const deploymentsRouter = router({
  deploy: mutation(applyDeployment),
  deployDesign: mutation(deployDesign),
  list: query(listDeployments),
  status: query(deploymentStatus),
  drift: query(deploymentDrift),
  remove: mutation(removeDeployment),
});
