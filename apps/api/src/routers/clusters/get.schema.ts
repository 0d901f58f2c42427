import { z } from "zod";
import { Uuid } from "../common.ts";

export const ZClusterInputSchema = z.strictObject({ clusterId: Uuid });
export type TClusterInputSchema = z.output<typeof ZClusterInputSchema>;
