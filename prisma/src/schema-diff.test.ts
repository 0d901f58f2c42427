import { describe, expect, it } from "vitest";
import { toPrisma6Schema, withoutPublicSchemaCreation } from "../scripts/lib/schema-diff.ts";

describe("toPrisma6Schema", () => {
  it("adds the placeholder url and the Rust-free engine type Prisma 6 needs", () => {
    const schema = `generator client {\n  provider = "prisma-client"\n}\n\ndatasource db {\n  provider = "postgresql"\n}\n\nmodel A {\n  id Int @id\n}\n`;
    const out = toPrisma6Schema(schema);
    expect(out).toMatch(/provider = "postgresql"\n {2}url = "postgresql:\/\/placeholder@/);
    expect(out).toMatch(/provider = "prisma-client"\n {2}engineType = "client"/);
    expect(out).toContain("model A {");
  });

  it("refuses a schema it does not understand", () => {
    expect(() => toPrisma6Schema(`datasource db {\n  provider = "sqlite"\n}`)).toThrow(
      /postgresql/,
    );
  });
});

describe("withoutPublicSchemaCreation", () => {
  it("drops only Prisma's CREATE SCHEMA for public", () => {
    const sql = `-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "public";\n\n-- CreateEnum\nCREATE TYPE "x" AS ENUM ('A');\n`;
    expect(withoutPublicSchemaCreation(sql)).toBe(
      `-- CreateEnum\nCREATE TYPE "x" AS ENUM ('A');\n`,
    );
    const other = `-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "audit";\n`;
    expect(withoutPublicSchemaCreation(other)).toBe(other);
  });
});
