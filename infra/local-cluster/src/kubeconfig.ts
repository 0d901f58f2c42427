// Kubeconfig files for the admin user and each component.
import { writeFileSync } from "node:fs";
import { stringify } from "yaml";

export interface KubeconfigSpec {
  cluster: string;
  server: string;
  token: string;
  user: string;
  /** PEM of the apiserver's self-signed CA; when absent the client skips TLS verification. */
  caPem?: string;
}

export function kubeconfigYaml(spec: KubeconfigSpec): string {
  const cluster: Record<string, unknown> = { server: spec.server };
  if (spec.caPem)
    cluster["certificate-authority-data"] = Buffer.from(spec.caPem).toString("base64");
  else cluster["insecure-skip-tls-verify"] = true;
  const context = `${spec.user}@${spec.cluster}`;
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: spec.cluster, cluster }],
    users: [{ name: spec.user, user: { token: spec.token } }],
    contexts: [{ name: context, context: { cluster: spec.cluster, user: spec.user } }],
    "current-context": context,
    preferences: {},
  });
}

export function writeKubeconfig(path: string, spec: KubeconfigSpec): string {
  writeFileSync(path, kubeconfigYaml(spec), { mode: 0o600 });
  return path;
}
