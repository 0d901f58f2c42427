// Tessera's own kinds (tessera.io/v1alpha1), imported as `@tessera/shared/api/tessera/index`.
export * from "./group.ts";
export * from "./tenant.ts";
export * from "./api-key.ts";
