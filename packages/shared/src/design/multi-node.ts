// How a role replica that spans several pods (entry + workers) starts its engine. One engine serves
// the replica: the workers join the entry's process group instead of serving a model of their own.
// Both use the variables the controller injects into every container, as Kthena does: ENTRY_ADDRESS
// (the entry pod's name, resolvable through the role replica's headless Service), GROUP_SIZE (pods in
// the replica) and WORKER_INDEX (0 for the entry). Kubernetes expands `$(NAME)` in command and args
// from the container's environment, so no shell is needed for them.
//
// - vLLM runs tensor/pipeline parallelism across nodes on Ray (the layout of vLLM's own
//   multi-node-serving example and of LWS's and Kthena's vLLM templates): the entry starts the Ray
//   head and then the server with the Ray executor, which waits for the placement group's GPUs;
//   workers start Ray nodes that join the head and block.
// - SGLang has its own multi-node launch: every pod runs the same server with --dist-init-addr,
//   --nnodes and --node-rank; only rank 0 (the entry) serves HTTP.

export type MultiNodeEngine = "vLLM" | "SGLang";

/** Ray's GCS port on the entry pod. */
export const RAY_HEAD_PORT = 6379;
/** SGLang's torch.distributed rendezvous port on the entry pod. */
export const SGLANG_DIST_PORT = 20000;

/** A container's argv, split as Kubernetes takes it (command replaces the image's entrypoint). */
export interface EngineArgv {
  command: string[];
  args: string[];
}

// `"$@"` is the argv after the script's $0 (here "engine"), i.e. the server's own command line.
const RAY_HEAD_SCRIPT = `ray start --head --port=${RAY_HEAD_PORT} --disable-usage-stats && exec "$@"`;

/**
 * The entry's and the workers' argv for a replica of `pods` pods whose single-pod argv is `argv`
 * (`pods` ≤ 1: both unchanged). `argv.command` must be the full server command: the entry wraps it.
 */
export function multiNodeArgv(
  engine: MultiNodeEngine,
  argv: EngineArgv,
  pods: number,
): { entry: EngineArgv; worker: EngineArgv } {
  if (pods <= 1) return { entry: argv, worker: argv };
  if (engine === "SGLang") {
    const joined = {
      command: argv.command,
      args: [
        ...argv.args,
        "--dist-init-addr",
        `$(ENTRY_ADDRESS):${SGLANG_DIST_PORT}`,
        "--nnodes",
        "$(GROUP_SIZE)",
        "--node-rank",
        "$(WORKER_INDEX)",
      ],
    };
    return { entry: joined, worker: joined };
  }
  return {
    entry: {
      command: ["/bin/sh", "-c", RAY_HEAD_SCRIPT, "engine"],
      args: [...argv.command, ...argv.args, "--distributed-executor-backend", "ray"],
    },
    worker: {
      command: ["ray", "start", "--block", `--address=$(ENTRY_ADDRESS):${RAY_HEAD_PORT}`],
      args: [],
    },
  };
}
