import type { Db, Prisma } from "./db.ts";

export function designsRepository(db: Db) {
  return {
    list: () =>
      db.topologyDesign.findMany({ where: { archivedAt: null }, orderBy: { name: "asc" } }),
    find: (id: string) => db.topologyDesign.findUnique({ where: { id } }),
    findByName: (name: string) => db.topologyDesign.findUnique({ where: { name } }),
    version: (designId: string, version: number) =>
      db.topologyDesignVersion.findUnique({ where: { designId_version: { designId, version } } }),
    versions: (designId: string) =>
      db.topologyDesignVersion.findMany({
        where: { designId },
        orderBy: { version: "desc" },
        select: {
          id: true,
          version: true,
          specHash: true,
          note: true,
          createdAt: true,
          createdById: true,
        },
      }),
    /** Creates the design if needed and appends a version; a spec equal to the latest is a no-op. */
    saveVersion: (input: {
      name: string;
      description?: string | undefined;
      spec: Prisma.InputJsonValue;
      specHash: string;
      note?: string | undefined;
      userId: string | null;
    }) =>
      db.$transaction(async (tx) => {
        const design =
          (await tx.topologyDesign.findUnique({ where: { name: input.name } })) ??
          (await tx.topologyDesign.create({
            data: {
              name: input.name,
              description: input.description ?? null,
              createdById: input.userId,
            },
          }));
        const latest = await tx.topologyDesignVersion.findUnique({
          where: { designId_version: { designId: design.id, version: design.latestVersion } },
        });
        if (latest && latest.specHash === input.specHash)
          return { design, version: latest, created: false };
        const next = design.latestVersion + 1;
        const version = await tx.topologyDesignVersion.create({
          data: {
            designId: design.id,
            version: next,
            spec: input.spec,
            specHash: input.specHash,
            note: input.note ?? null,
            createdById: input.userId,
          },
        });
        const updated = await tx.topologyDesign.update({
          where: { id: design.id },
          data: { latestVersion: next },
        });
        return { design: updated, version, created: true };
      }),
  };
}
