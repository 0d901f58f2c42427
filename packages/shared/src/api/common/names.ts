// Kubernetes name formats. Patterns stay RE2-compatible (no look-around) because the same strings
// are emitted into CRD `pattern` fields, which the apiserver evaluates with Go's regexp.

/** DNS-1035 label: starts with a letter; what Services (and Kthena role names) require. */
export const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1035_LABEL_MAX = 63;

/** DNS-1123 label: container names, most label-like names. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** DNS-1123 subdomain: object names and the optional prefix of a label key. */
export const DNS1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The name part of a label key, and a non-empty label value (apimachinery IsQualifiedName). */
export const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Upper bound for object names (DNS-1123 subdomain length). */
export const NAME_MAX = 253;

/** Label values and other short strings that end up in labels. */
export const LABEL_VALUE_MAX = 63;
