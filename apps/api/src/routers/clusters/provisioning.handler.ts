import { defineProcedure } from "../../trpc/procedure.ts";
import { ZProvisioningInputSchema, ZReportProvisioningInputSchema } from "./provisioning.schema.ts";

export const clusterProvisioning = defineProcedure({
  name: "clusters.provisioning",
  type: "query",
  rest: { method: "GET", path: "/v1/clusters/provisioning" },
  access: "operator",
  summary: "Clusters a launcher is bringing up in the background: phase, step, progress",
  tags: ["clusters"],
  input: ZProvisioningInputSchema,
  handler: ({ ctx }) => ctx.services.provisioning.list(),
});

export const reportProvisioning = defineProcedure({
  name: "clusters.reportProvisioning",
  type: "mutation",
  rest: { method: "POST", path: "/v1/clusters/provisioning" },
  access: "admin",
  summary: "Report the progress of a cluster being brought up (upsert by name; used by npm start)",
  tags: ["clusters"],
  input: ZReportProvisioningInputSchema,
  handler: ({ ctx, input }) => ctx.services.provisioning.report(input),
});
