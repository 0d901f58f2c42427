// What the designer shows for the current form state: designer state → saved spec (`toSpec`) →
// @tessera/shared's renderer → YAML, the same renderer the API's `topologies.render` uses for the
// saved version, so the YAML on screen is what a save and deploy produce. Messages come from the
// shared spec schema (mapped to the form's fields), the rendered objects' schemas and the designer's
// own advice. Pure and cheap enough to run on every keystroke.
import {
  checkDesignSpec,
  designYaml,
  manifestIssues,
  renderDesign,
} from "@tessera/shared/design/index";
import type { DesignManifest, DesignSpec, DesignSpecIssue } from "@tessera/shared/design/index";
import { toSpec } from "./design-spec";
import type { CarriedFields } from "./design-spec";
import { designChecks } from "./model";
import type { Design, DesignMessage } from "./model";

export interface DesignPreview {
  spec: DesignSpec;
  manifests: DesignManifest[];
  yaml: string;
  messages: DesignMessage[];
}

const ROLE_FIELDS: Record<string, string> = {
  name: "name",
  kind: "kind",
  replicas: "replicas",
  workerReplicas: "workers per replica",
  tensorParallel: "TP",
  pipelineParallel: "PP",
  gpusPerPod: "GPUs per pod",
  minReplicas: "gang min replicas",
};

const FIELDS: Record<string, string> = {
  name: "Name",
  namespace: "Namespace",
  model: "Model",
  engine: "Engine",
  image: "Image",
  servingGroups: "ServingGroups",
  roles: "Roles",
  gang: "Gang",
  routing: "ModelServer + ModelRoute",
  podLabels: "Pod labels",
  modelUri: "Model URI (saved design)",
  autoscaling: "Autoscaling (saved design)",
};

/** The form field a spec issue belongs to, as the form labels it. */
function whereOf(d: Design, path: readonly PropertyKey[]): string {
  const [top, second, third] = path;
  if (top === "roles" && typeof second === "number") {
    const role = `role ${d.roles[second]?.name || second + 1}`;
    const field = typeof third === "string" ? ROLE_FIELDS[third] : undefined;
    return field ? `${role} · ${field}` : role;
  }
  if (top === "networkTopology")
    return second === "group" ? "Group tier" : second === "role" ? "Role tier" : "Network tier";
  if (top === "podLabels" && typeof second === "string") return `Pod label ${second}`;
  return (typeof top === "string" && FIELDS[top]) || String(top ?? "design");
}

const specMessages = (d: Design, issues: readonly DesignSpecIssue[]): DesignMessage[] =>
  issues.map((i) => ({ level: "error", where: whereOf(d, i.path), message: i.message }));

export function previewDesign(d: Design, carried: CarriedFields = {}): DesignPreview {
  const raw = toSpec(d, carried);
  const checked = checkDesignSpec(raw);
  // A valid spec renders from its parsed form, exactly as the API renders the saved version. An
  // invalid one still renders (the YAML keeps up with typing) but cannot be deployed: its schema
  // errors block it, and they already name the fields the object errors would repeat.
  const spec = checked.ok ? checked.spec : raw;
  const manifests = renderDesign(spec);
  const messages = checked.ok
    ? manifestIssues(manifests).map((i): DesignMessage => ({
        level: "error",
        where: `${i.object.split("/")[0] ?? ""} ${i.path}`,
        message: i.message,
      }))
    : specMessages(d, checked.issues);
  return {
    spec,
    manifests,
    yaml: designYaml(manifests),
    messages: [...messages, ...designChecks(d)],
  };
}
