import path from "node:path";
import { describe, expect, it } from "vitest";
import { readDbEnv } from "./env.ts";

describe("readDbEnv", () => {
  it("defaults to the embedded server in .tessera/ of the directory npm was invoked from", () => {
    const env = readDbEnv({ INIT_CWD: "/repo" }, undefined);
    expect(env).toEqual({
      databaseUrl: undefined,
      dataDir: "/repo/.tessera",
      embeddedPort: undefined,
    });
  });

  it("resolves a relative TESSERA_DATA_DIR against the working directory", () => {
    expect(readDbEnv({ TESSERA_DATA_DIR: "state" }, "/srv/app").dataDir).toBe(
      path.resolve("/srv/app/state"),
    );
    expect(readDbEnv({ TESSERA_DATA_DIR: "/var/lib/tessera" }, "/srv").dataDir).toBe(
      "/var/lib/tessera",
    );
  });

  it("treats an empty DATABASE_URL as unset and rejects non-PostgreSQL URLs", () => {
    expect(readDbEnv({ DATABASE_URL: "  " }, "/x").databaseUrl).toBeUndefined();
    expect(readDbEnv({ DATABASE_URL: "postgres://u@h/db" }, "/x").databaseUrl).toBe(
      "postgres://u@h/db",
    );
    expect(() => readDbEnv({ DATABASE_URL: "mysql://u@h/db" }, "/x")).toThrow(/postgresql:\/\//);
  });

  it("validates TESSERA_PG_PORT", () => {
    expect(readDbEnv({ TESSERA_PG_PORT: "54329" }, "/x").embeddedPort).toBe(54329);
    expect(() => readDbEnv({ TESSERA_PG_PORT: "70000" }, "/x")).toThrow(/TCP port/);
    expect(() => readDbEnv({ TESSERA_PG_PORT: "abc" }, "/x")).toThrow(/TCP port/);
  });
});
