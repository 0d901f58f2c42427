// Prisma CLI configuration (Prisma 7). The URL is only needed by `prisma migrate deploy` on
// machines that have Prisma's native schema engine; Tessera applies migrations with its own
// runner (src/migrate.ts), and `prisma generate` needs no database.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "schema.prisma",
  migrations: { path: "migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/tessera" },
});
