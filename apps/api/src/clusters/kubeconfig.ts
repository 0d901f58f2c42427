// Parsing an uploaded kubeconfig. Only self-contained credentials are accepted: an uploaded exec
// plugin or auth-provider would run commands on the API server, and file references would read
// its disk.
import { KubeConfig } from "@kubernetes/client-node";
import { parse } from "yaml";
import { ApiError } from "../errors.ts";

const FORBIDDEN_USER_FIELDS = [
  "exec",
  "auth-provider",
  "tokenFile",
  "client-certificate",
  "client-key",
  "username",
  "password",
];
const FORBIDDEN_CLUSTER_FIELDS = ["certificate-authority"];

function reject(message: string): never {
  throw new ApiError("API_ERR_VALIDATION", `kubeconfig: ${message}`, {
    issues: [{ path: "kubeconfig", message }],
  });
}

export interface ParsedKubeconfig {
  kc: KubeConfig;
  server: string;
  /** The kubeconfig reduced to its current context, as stored. */
  normalized: string;
}

export function parseKubeconfig(text: string, context?: string): ParsedKubeconfig {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    reject("not valid YAML");
  }
  if (typeof doc !== "object" || doc === null) reject("not a kubeconfig document");
  const kc = new KubeConfig();
  try {
    kc.loadFromString(text);
  } catch (e) {
    reject(`cannot be loaded (${e instanceof Error ? e.message.split("\n")[0] : "invalid"})`);
  }
  if (context) {
    if (!kc.getContextObject(context)) reject(`context "${context}" not found`);
    kc.setCurrentContext(context);
  }
  const ctx = kc.getContextObject(kc.getCurrentContext());
  if (!ctx) reject("no current context");
  const cluster = kc.getCluster(ctx.cluster);
  const user = kc.getUser(ctx.user);
  if (!cluster) reject(`context's cluster "${ctx.cluster}" not found`);
  if (!user) reject(`context's user "${ctx.user}" not found`);
  // Check the raw YAML of the chosen user/cluster for file- or command-based credentials.
  const raw = doc as {
    users?: { name: string; user?: Record<string, unknown> }[];
    clusters?: { name: string; cluster?: Record<string, unknown> }[];
  };
  const rawUser = raw.users?.find((u) => u.name === ctx.user)?.user ?? {};
  const rawCluster = raw.clusters?.find((c) => c.name === ctx.cluster)?.cluster ?? {};
  for (const f of FORBIDDEN_USER_FIELDS)
    if (f in rawUser)
      reject(`users[${ctx.user}].${f} is not supported; embed a token or client-certificate-data`);
  for (const f of FORBIDDEN_CLUSTER_FIELDS)
    if (f in rawCluster)
      reject(`clusters[${ctx.cluster}].${f} is not supported; use certificate-authority-data`);
  if (!/^https?:\/\//.test(cluster.server)) reject("cluster server must be an http(s) URL");

  const reduced = new KubeConfig();
  reduced.loadFromOptions({
    clusters: [cluster],
    users: [user],
    contexts: [ctx],
    currentContext: ctx.name,
  });
  return { kc: reduced, server: cluster.server, normalized: reduced.exportConfig() };
}

export function kubeConfigFromStored(text: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(text);
  return kc;
}
