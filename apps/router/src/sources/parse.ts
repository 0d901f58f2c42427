// Reads ModelRoute, ModelServer and Pod objects (plus an optional SchedulerConfig document) from
// multi-document YAML: the same objects the router watches in Kubernetes, as a static snapshot.
import { parseAllDocuments } from "yaml";
import { SCHEDULER_CONFIG_KIND } from "../config/scheduler-config.ts";
import { validateObject } from "./validate.ts";
import type {
  ApiKeyObject,
  ModelRoute,
  ModelServer,
  ObjectSnapshot,
  Pod,
  TenantObject,
} from "./objects.ts";

export interface ParsedObjects {
  readonly snapshot: ObjectSnapshot;
  /** The SchedulerConfig document if the file has one. */
  readonly schedulerConfig: unknown;
}

export class ObjectFileError extends Error {
  override readonly name = "ObjectFileError";
}

export function parseObjectsYaml(text: string, source = "config"): ParsedObjects {
  const modelRoutes: ModelRoute[] = [];
  const modelServers: ModelServer[] = [];
  const pods: Pod[] = [];
  const tenants: TenantObject[] = [];
  const apiKeys: ApiKeyObject[] = [];
  let schedulerConfig: unknown = null;
  const docs = parseAllDocuments(text);
  docs.forEach((doc, i) => {
    if (doc.errors.length > 0)
      throw new ObjectFileError(
        `${source} document ${i + 1}: ${doc.errors[0]?.message ?? "YAML error"}`,
      );
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    const items = isList(value) ? value.items : [value];
    for (const item of items) {
      if (typeof item !== "object" || item === null)
        throw new ObjectFileError(`${source} document ${i + 1}: not an object`);
      const kind = (item as { kind?: unknown }).kind;
      const name = (item as { metadata?: { name?: unknown } }).metadata?.name;
      const where = `${source} document ${i + 1} (${String(kind)} ${typeof name === "string" ? name : ""})`;
      switch (kind) {
        case "ModelRoute":
          modelRoutes.push(validateObject("ModelRoute", item, where) as ModelRoute);
          break;
        case "ModelServer":
          modelServers.push(validateObject("ModelServer", item, where) as ModelServer);
          break;
        case "Pod":
          pods.push(validateObject("Pod", item, where) as Pod);
          break;
        case "Tenant":
          tenants.push(validateObject("Tenant", item, where) as TenantObject);
          break;
        case "ApiKey":
          apiKeys.push(validateObject("ApiKey", item, where) as ApiKeyObject);
          break;
        case SCHEDULER_CONFIG_KIND:
          if (schedulerConfig !== null)
            throw new ObjectFileError(`${where}: more than one SchedulerConfig`);
          schedulerConfig = item;
          break;
        default:
          throw new ObjectFileError(
            `${where}: unsupported kind (expected ModelRoute, ModelServer, Pod, Tenant, ApiKey or SchedulerConfig)`,
          );
      }
    }
  });
  return { snapshot: { modelRoutes, modelServers, pods, tenants, apiKeys }, schedulerConfig };
}

function isList(v: unknown): v is { items: unknown[] } {
  return (
    typeof v === "object" &&
    v !== null &&
    (v as { kind?: unknown }).kind === "List" &&
    Array.isArray((v as { items?: unknown }).items)
  );
}
