import { describe, expect, it } from "vitest";
import { readMainEnv } from "./env.ts";

describe("readMainEnv", () => {
  it("brings the local cluster up by default and names a bad switch", () => {
    const env = readMainEnv({ INIT_CWD: "/tmp/x" });
    expect(env.TESSERA_LOCAL_CLUSTER).toBe("on");
    expect(env.TESSERA_CLUSTER_ROUTER_PORT).toBe(8090);
    expect(env.dataDir).toBe("/tmp/x/.tessera");
    expect(readMainEnv({ TESSERA_LOCAL_CLUSTER: "off" }).TESSERA_LOCAL_CLUSTER).toBe("off");
    expect(() => readMainEnv({ TESSERA_LOCAL_CLUSTER: "no" })).toThrow(/TESSERA_LOCAL_CLUSTER/);
  });
});
