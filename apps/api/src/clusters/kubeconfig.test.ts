import { describe, expect, it } from "vitest";
import { ApiError } from "../errors.ts";
import { parseKubeconfig } from "./kubeconfig.ts";

const kubeconfig = (user: string, extraCluster = "") => `apiVersion: v1
kind: Config
clusters:
  - name: a
    cluster: { server: "https://10.0.0.1:6443", insecure-skip-tls-verify: true ${extraCluster} }
  - name: b
    cluster: { server: "https://10.0.0.2:6443" }
users:
  - name: u
    user: ${user}
contexts:
  - { name: ctx-a, context: { cluster: a, user: u } }
  - { name: ctx-b, context: { cluster: b, user: u } }
current-context: ctx-a
`;

const issue = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e.message;
    throw e;
  }
  throw new Error("expected an ApiError");
};

describe("parseKubeconfig", () => {
  it("keeps only the chosen context", () => {
    const p = parseKubeconfig(kubeconfig("{ token: abc }"), "ctx-b");
    expect(p.server).toBe("https://10.0.0.2:6443");
    expect(p.normalized).not.toContain("10.0.0.1");
    expect(p.normalized).toContain("abc");
  });

  it("refuses credentials that run commands or read files on the API server", () => {
    expect(
      issue(() =>
        parseKubeconfig(
          kubeconfig("{ exec: { command: sh, apiVersion: client.authentication.k8s.io/v1 } }"),
        ),
      ),
    ).toContain("users[u].exec is not supported");
    expect(issue(() => parseKubeconfig(kubeconfig("{ tokenFile: /etc/passwd }")))).toContain(
      "tokenFile",
    );
    expect(
      issue(() => parseKubeconfig(kubeconfig("{ client-certificate: /x, client-key: /y }"))),
    ).toContain("client-certificate");
    expect(
      issue(() => parseKubeconfig(kubeconfig("{ token: t }", ", certificate-authority: /ca.pem"))),
    ).toContain("certificate-authority");
  });

  it("reports broken input by field", () => {
    expect(issue(() => parseKubeconfig("{ not: [valid"))).toContain("kubeconfig: not valid YAML");
    expect(issue(() => parseKubeconfig(kubeconfig("{ token: t }"), "nope"))).toContain(
      'context "nope" not found',
    );
  });
});
