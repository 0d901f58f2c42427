export { HELM_VERSION, ensureHelm, helmPath } from "./binaries.ts";
export { HelmError, lintChart, parseManifests, renderChart } from "./helm.ts";
export type { KubeObject, RenderOptions } from "./helm.ts";
export {
  INSTALLER_FIELD_MANAGER,
  deploymentHealth,
  installTessera,
  renderForInstall,
  tesseraHealth,
  waitForRollout,
} from "./install.ts";
export type { ComponentHealth, ComponentState, InstallOptions, InstallResult } from "./install.ts";
export { CHART_DIR } from "./paths.ts";
