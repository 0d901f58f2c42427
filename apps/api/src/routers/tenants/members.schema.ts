import { z } from "zod";
import { TenantId, Uuid } from "../common.ts";

export const ZMembersInputSchema = z.strictObject({ tenantId: TenantId });
export type TMembersInputSchema = z.output<typeof ZMembersInputSchema>;

export const ZSetMemberInputSchema = z.strictObject({
  tenantId: TenantId,
  userId: Uuid,
  role: z.enum(["TENANT_ADMIN", "VIEWER"]),
});
export type TSetMemberInputSchema = z.output<typeof ZSetMemberInputSchema>;

export const ZRemoveMemberInputSchema = z.strictObject({ tenantId: TenantId, userId: Uuid });
export type TRemoveMemberInputSchema = z.output<typeof ZRemoveMemberInputSchema>;
