import { describe, expect, it } from "vitest";
import { readEnv } from "./env.ts";

describe("readEnv", () => {
  it("applies defaults", () => {
    const env = readEnv({});
    expect(env).toMatchObject({
      TESSERA_API_PORT: 4000,
      TESSERA_DATA_DIR: ".tessera",
      TESSERA_REDIS_URL: [],
    });
  });

  it("names each invalid variable", () => {
    expect(() => readEnv({ TESSERA_API_PORT: "http", TESSERA_KUBECONFIG_KEY: "c2hvcnQ=" })).toThrow(
      /TESSERA_API_PORT[\s\S]*TESSERA_KUBECONFIG_KEY: must be 32 bytes/,
    );
  });

  it("requires a kubeconfig key in production", () => {
    expect(() => readEnv({ NODE_ENV: "production" })).toThrow(
      /TESSERA_KUBECONFIG_KEY: required in production/,
    );
    const key = Buffer.alloc(32, 1).toString("base64");
    expect(
      readEnv({ NODE_ENV: "production", TESSERA_KUBECONFIG_KEY: key }).TESSERA_KUBECONFIG_KEY,
    ).toBe(key);
  });

  it("reads several usage stream servers", () => {
    expect(
      readEnv({ TESSERA_REDIS_URL: "redis://a:6379, redis://b:6379" }).TESSERA_REDIS_URL,
    ).toEqual(["redis://a:6379", "redis://b:6379"]);
  });
});
