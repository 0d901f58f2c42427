// Pinned versions of every Go-built binary the local cluster runs. Changing a version here (and the
// matching go.mod under infra/local-cluster/go/<family>) produces a new cache directory; old ones can
// be deleted by hand. Versions were chosen from what the Go module proxy mirror serves (see README).

export interface GoFamily {
  /** Cache directory prefix and the folder under infra/local-cluster/go. */
  name: string;
  version: string;
  /** Binaries (file names) the family produces. */
  binaries: string[];
  /** Go packages to build, in the same order as `binaries`. */
  packages: string[];
  /** Extra `-ldflags` (the build always adds `-s -w`). */
  ldflags?: string[];
  tags?: string[];
  /** Build inside a copy of this module's own source (so its replace directives apply). */
  inModule?: { module: string; replaces: Record<string, string>; copy: Record<string, string> };
  /** Minimum Go version (from the go.mod files). */
  minGo: string;
}

export const KUBERNETES_VERSION = "v1.34.4";
export const ETCD_VERSION = "v3.6.8";
export const KWOK_VERSION = "v0.7.0";
export const VOLCANO_VERSION = "v1.14.1";
/** volcano.sh/apis: Volcano ≥1.14 points it at a nested staging dir that module zips lack. */
export const VOLCANO_APIS_VERSION = "v1.14.0";
export const INFERENCE_SIM_VERSION = "v0.10.2";
/** Toolchain fetched through the Go module proxy when the local Go is too old. */
export const GO_TOOLCHAIN = "go1.26.8";

const k8sMinor = KUBERNETES_VERSION.split(".")[1] ?? "0";

export const FAMILIES: readonly GoFamily[] = [
  {
    name: "kubernetes",
    version: KUBERNETES_VERSION,
    binaries: ["kube-apiserver", "kube-controller-manager", "kube-scheduler"],
    packages: [
      "k8s.io/kubernetes/cmd/kube-apiserver",
      "k8s.io/kubernetes/cmd/kube-controller-manager",
      "k8s.io/kubernetes/cmd/kube-scheduler",
    ],
    tags: ["selinux", "notest"],
    ldflags: [
      `-X k8s.io/component-base/version.gitVersion=${KUBERNETES_VERSION}`,
      "-X k8s.io/component-base/version.gitMajor=1",
      `-X k8s.io/component-base/version.gitMinor=${k8sMinor}`,
      "-X k8s.io/component-base/version.gitTreeState=clean",
    ],
    minGo: "1.24.0",
  },
  {
    name: "etcd",
    version: ETCD_VERSION,
    binaries: ["etcd"],
    packages: ["."],
    minGo: "1.24.0",
  },
  {
    name: "kwok",
    version: KWOK_VERSION,
    binaries: ["kwok"],
    packages: ["sigs.k8s.io/kwok/cmd/kwok"],
    ldflags: [`-X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION}`],
    minGo: "1.24.0",
  },
  {
    name: "volcano",
    version: VOLCANO_VERSION,
    binaries: ["vc-scheduler", "vc-controller-manager"],
    packages: ["./cmd/scheduler", "./cmd/controller-manager"],
    inModule: {
      module: "volcano.sh/volcano",
      replaces: { "volcano.sh/apis": `volcano.sh/apis@${VOLCANO_APIS_VERSION}` },
      // Files copied next to the binaries: CRDs and the upstream scheduler configuration.
      copy: {
        "config/crd/volcano/bases": "crd",
        "installer/helm/chart/volcano/config/volcano-scheduler.conf": "volcano-scheduler.conf",
      },
    },
    minGo: "1.24.0",
  },
  {
    name: "inference-sim",
    version: INFERENCE_SIM_VERSION,
    binaries: ["llm-d-inference-sim"],
    packages: ["github.com/llm-d/llm-d-inference-sim/cmd/llm-d-inference-sim"],
    minGo: "1.25.7",
  },
];

export function family(name: string): GoFamily {
  const f = FAMILIES.find((x) => x.name === name);
  if (!f) throw new Error(`unknown binary family ${name}`);
  return f;
}
