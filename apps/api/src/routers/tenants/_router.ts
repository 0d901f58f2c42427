import { mutation, query, router } from "../../trpc/init.ts";
import { createTenant } from "./create.handler.ts";
import { getTenant } from "./get.handler.ts";
import { listTenants } from "./list.handler.ts";
import { listMembers, removeMember, setMember } from "./members.handler.ts";
import { updateTenant } from "./update.handler.ts";

export const tenantsProcedures = [
  createTenant,
  listTenants,
  getTenant,
  updateTenant,
  listMembers,
  setMember,
  removeMember,
];

export const tenantsRouter = router({
  create: mutation(createTenant),
  list: query(listTenants),
  get: query(getTenant),
  update: mutation(updateTenant),
  members: query(listMembers),
  setMember: mutation(setMember),
  removeMember: mutation(removeMember),
});
