import { mutation, query, router } from "../../trpc/init.ts";
import { installComponents } from "./install.handler.ts";
import { componentsStatus } from "./status.handler.ts";

export const componentsProcedures = [installComponents, componentsStatus];

export const componentsRouter = router({
  install: mutation(installComponents),
  status: query(componentsStatus),
});
