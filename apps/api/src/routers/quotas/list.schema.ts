import { z } from "zod";
import { TenantId } from "../common.ts";

export const ZListInputSchema = z.strictObject({ tenantId: TenantId });
export type TListInputSchema = z.output<typeof ZListInputSchema>;
