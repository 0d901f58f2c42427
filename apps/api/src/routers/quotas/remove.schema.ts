import { z } from "zod";
import { QuotaModel, TenantId } from "../common.ts";

export const ZRemoveInputSchema = z.strictObject({ tenantId: TenantId, model: QuotaModel });
export type TRemoveInputSchema = z.output<typeof ZRemoveInputSchema>;
