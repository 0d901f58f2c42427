// Topology designs (xPyD): saved as immutable versions, audited, and rendered to Kthena objects by
// @tessera/shared's design renderer, the same code that draws the console designer's live YAML.
import { DesignSpecSchema, renderAndValidate } from "@tessera/shared";
import type { DesignSpec } from "@tessera/shared";
import { ApiError, notFound } from "../errors.ts";
import type { Repositories } from "../repositories/index.ts";
import type { AuditService, Caller } from "./audit.ts";
import { hashOf } from "./deployments.ts";

export function designsService(deps: { repos: Repositories; audit: AuditService }) {
  const { repos, audit } = deps;
  const getDesign = async (id: string) => {
    const d = await repos.designs.find(id);
    if (!d) throw notFound("design");
    return d;
  };
  return {
    async save(
      caller: Caller,
      input: {
        name: string;
        description?: string | undefined;
        note?: string | undefined;
        spec: DesignSpec;
      },
    ) {
      const rendered = renderAndValidate(input.spec);
      if (rendered.issues.length) {
        throw new ApiError(
          "API_ERR_VALIDATION",
          `design renders invalid objects: ${rendered.issues.map((i) => `${i.object} ${i.path}: ${i.message}`).join("; ")}`,
        );
      }
      const r = await repos.designs.saveVersion({
        name: input.name,
        description: input.description,
        note: input.note,
        spec: input.spec,
        specHash: hashOf(input.spec),
        userId: caller.actor?.type === "user" ? caller.actor.userId : null,
      });
      if (r.created) {
        await audit.record(caller, {
          action: "design.save",
          targetType: "TopologyDesign",
          targetId: r.design.id,
          after: { name: r.design.name, version: r.version.version, spec: input.spec },
        });
      }
      return { design: r.design, version: r.version.version, created: r.created };
    },
    list: () => repos.designs.list(),
    async get(id: string, version?: number) {
      const d = await getDesign(id);
      const v = await repos.designs.version(id, version ?? d.latestVersion);
      if (!v) throw notFound(`design version ${version ?? d.latestVersion}`);
      return {
        design: d,
        version: v.version,
        spec: DesignSpecSchema.parse(v.spec),
        versions: await repos.designs.versions(id),
      };
    },
    async render(id: string, version?: number) {
      const { spec, version: v } = await this.get(id, version);
      return { version: v, ...renderAndValidate(spec) };
    },
  };
}
export type DesignsService = ReturnType<typeof designsService>;
