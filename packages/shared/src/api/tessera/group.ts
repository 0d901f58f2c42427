// Tessera's own API group: objects the API server pushes into every cluster so routers can enforce
// tenancy locally, even while the central API is down. Kthena's groups are never extended.
export const TESSERA_GROUP = "tessera.io";
export const TESSERA_VERSION = "v1alpha1";
export const TESSERA_API_VERSION = `${TESSERA_GROUP}/${TESSERA_VERSION}` as const;

/** Objects written by the API server carry this label (value: the API's cluster id). */
export const LABEL_TESSERA_MANAGED_BY = "tessera.io/managed-by";
/** ApiKey objects carry their tenant's name as a label, for label-selected watches. */
export const LABEL_TESSERA_TENANT = "tessera.io/tenant";
