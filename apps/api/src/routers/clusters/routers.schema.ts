import { z } from "zod";
import { idList } from "../common.ts";

export const ZRoutersInputSchema = z.strictObject({ clusterIds: idList.optional() }).default({});
export const ZSyncTenantsInputSchema = z.strictObject({}).default({});
export type TRoutersInputSchema = z.output<typeof ZRoutersInputSchema>;
