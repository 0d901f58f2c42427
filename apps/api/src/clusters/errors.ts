// Maps failures of calls into a cluster to API errors that name the cluster and never carry
// request headers or credentials.
import { ApiException } from "@kubernetes/client-node";
import { KubeRequestError } from "@tessera/helm/kube";
import { ApiError } from "../errors.ts";

export class ClusterTimeoutError extends Error {}

function statusMessage(body: unknown): string | undefined {
  if (typeof body !== "string") return undefined;
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    return typeof parsed.message === "string" ? parsed.message : undefined;
  } catch {
    return body.slice(0, 300);
  }
}

export function kubeStatusCode(e: unknown): number | undefined {
  if (e instanceof ApiException) return e.code;
  return e instanceof KubeRequestError ? e.status : undefined;
}

/** HTTP status and the apiserver's message of a failed call (client-node's or the raw client's). */
function kubeFailure(e: unknown): { code: number; msg: string } | undefined {
  if (e instanceof ApiException)
    return { code: e.code, msg: statusMessage(e.body) ?? `HTTP ${e.code}` };
  // The raw client's message is "GET /path: 403 <apiserver message>"; keep the apiserver's part.
  if (e instanceof KubeRequestError)
    return { code: e.status, msg: e.message.replace(/^\w+ \S+: \d+ /, "") || `HTTP ${e.status}` };
  return undefined;
}

export function clusterError(clusterName: string, e: unknown, op: string): ApiError {
  if (e instanceof ApiError) return e;
  const details = { cluster: clusterName };
  if (e instanceof ClusterTimeoutError) {
    return new ApiError("API_ERR_CLUSTER_TIMEOUT", `cluster ${clusterName}: ${op} timed out`, {
      details,
    });
  }
  const failure = kubeFailure(e);
  if (failure) {
    const { code, msg } = failure;
    const withCode = { details: { ...details, status: code } };
    if (code === 404)
      return new ApiError("API_ERR_NOT_FOUND", `cluster ${clusterName}: ${msg}`, withCode);
    if (code === 409)
      return new ApiError("API_ERR_APPLY_CONFLICT", `cluster ${clusterName}: ${msg}`, withCode);
    if (code === 401 || code === 403) {
      return new ApiError(
        "API_ERR_CLUSTER_REJECTED",
        `cluster ${clusterName}: credentials rejected (${msg})`,
        withCode,
      );
    }
    if (code >= 400 && code < 500)
      return new ApiError("API_ERR_CLUSTER_REJECTED", `cluster ${clusterName}: ${msg}`, withCode);
    return new ApiError(
      "API_ERR_CLUSTER_UNREACHABLE",
      `cluster ${clusterName}: ${op} failed (${msg})`,
      withCode,
    );
  }
  const reason =
    e instanceof Error
      ? ((e.cause as { code?: string } | undefined)?.code ?? e.message)
      : String(e);
  return new ApiError(
    "API_ERR_CLUSTER_UNREACHABLE",
    `cluster ${clusterName}: ${op} failed (${reason})`,
    { details },
  );
}

/**
 * Runs `fn` with a deadline. Past `ms` the result is a ClusterTimeoutError and `signal` is aborted,
 * so work that honours it (kubeRequest) closes its socket instead of running on unobserved — a slow
 * service proxy would otherwise keep one open connection per poll of the console.
 */
export async function withTimeout<T>(
  ms: number,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      fn(ac.signal),
      new Promise<never>((_, rej) => {
        timer = setTimeout(() => {
          const err = new ClusterTimeoutError(`timed out after ${ms} ms`);
          rej(err);
          ac.abort(err);
        }, ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
