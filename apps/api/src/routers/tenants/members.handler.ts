import { defineProcedure } from "../../trpc/procedure.ts";
import {
  ZMembersInputSchema,
  ZRemoveMemberInputSchema,
  ZSetMemberInputSchema,
} from "./members.schema.ts";

export const listMembers = defineProcedure({
  name: "tenants.members",
  type: "query",
  rest: { method: "GET", path: "/v1/tenants/{tenantId}/members" },
  access: "tenant-viewer",
  summary: "Members of a tenant and their roles",
  tags: ["tenants"],
  input: ZMembersInputSchema,
  handler: ({ ctx, input }) => ctx.services.tenants.members(input.tenantId),
});

export const setMember = defineProcedure({
  name: "tenants.setMember",
  type: "mutation",
  rest: { method: "PUT", path: "/v1/tenants/{tenantId}/members/{userId}" },
  access: "tenant-admin",
  summary: "Add a user to a tenant or change their role",
  tags: ["tenants"],
  input: ZSetMemberInputSchema,
  handler: ({ ctx, input }) =>
    ctx.services.tenants.setMember(ctx, input.tenantId, input.userId, input.role),
});

export const removeMember = defineProcedure({
  name: "tenants.removeMember",
  type: "mutation",
  rest: { method: "DELETE", path: "/v1/tenants/{tenantId}/members/{userId}" },
  access: "tenant-admin",
  summary: "Remove a user from a tenant",
  tags: ["tenants"],
  input: ZRemoveMemberInputSchema,
  handler: ({ ctx, input }) => ctx.services.tenants.removeMember(ctx, input.tenantId, input.userId),
});
