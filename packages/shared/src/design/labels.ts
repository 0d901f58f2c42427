// Pod label checks for a design's podLabels: Kubernetes label syntax (apimachinery IsQualifiedName /
// IsValidLabelValue) plus the keys Tessera or the ModelServing controller own.
import { DNS1123_SUBDOMAIN, LABEL_NAME, LABEL_VALUE_MAX } from "../api/common/names.ts";

const NAME_CHARS = "alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric";

/** The label the render puts on every pod from its role kind, so the ModelServer can pair prefill
 * and decode pods whatever the roles are called. */
export const PD_ROLE_LABEL = "tessera.io/pd-role";

/** Why `key` is not a Kubernetes label key a design may set, or undefined when it is one. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf("/");
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (prefix !== undefined) {
    if (name.includes("/")) return 'must have at most one "/" (prefix/name)';
    if (prefix === "") return "prefix must not be empty";
    if (prefix.length > 253) return "prefix must be at most 253 characters";
    if (!DNS1123_SUBDOMAIN.test(prefix))
      return "prefix must be a DNS subdomain (lower-case alphanumerics, '-' or '.')";
  }
  if (name === "") return "name must not be empty";
  if (name.length > 63) return "name must be at most 63 characters";
  if (!LABEL_NAME.test(name)) return `name must consist of ${NAME_CHARS}`;
  // Set on every pod by the render (pd-role) or the controller (modelserving.volcano.sh/*, which
  // overwrites template labels); a design's own value would be dropped without a word.
  if (key === PD_ROLE_LABEL) return "is set by Tessera from the role kind";
  if (prefix === "modelserving.volcano.sh")
    return "is set on every pod by the ModelServing controller";
  return undefined;
}

/** Why `value` is not a Kubernetes label value, or undefined when it is one. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > LABEL_VALUE_MAX) return `must be at most ${LABEL_VALUE_MAX} characters`;
  if (value !== "" && !LABEL_NAME.test(value)) return `must be empty or consist of ${NAME_CHARS}`;
  return undefined;
}
