// Public surface of @tessera/router for other workspaces (benchmarks, the platform's start script):
// the Router, its sources, the plugin framework contracts and the built-in plugin registry.
export { Router } from "./router.ts";
export type { RouterOptions, SourceStatus } from "./router.ts";
export { FileSource } from "./sources/file/file-source.ts";
export type { FileSourceOptions } from "./sources/file/file-source.ts";
export { KubernetesSource } from "./sources/kubernetes/kubernetes-source.ts";
export type { KubernetesSourceOptions } from "./sources/kubernetes/kubernetes-source.ts";
export { parseObjectsYaml } from "./sources/parse.ts";
export type { ObjectSnapshot, Pod } from "./sources/objects.ts";
export { registerBuiltinPlugins } from "./plugins/builtin.ts";
export { PluginRegistry } from "./scheduling/registry.ts";
export type { Endpoint, EngineMetrics } from "./framework/endpoint.ts";
export type { Plugin, PluginFactory, PluginHandle, TypedName } from "./framework/plugin.ts";
export type { CycleContext, Filter, Picker, PostResponse, Scorer } from "./framework/scheduling.ts";
export type { InferenceRequest } from "./framework/request.ts";
export type {
  Admitter,
  AdmissionDenial,
  UsageHook,
  UsageRecord,
} from "./framework/request-control.ts";
export { ROUTER_ERRORS } from "./server/errors.ts";
export type { RouterErrorCode } from "./server/errors.ts";
export { parseEngineMetrics } from "./endpoints/dialect.ts";
