// Progress of the background local cluster, reported to the API (`clusters.reportProvisioning`,
// REST POST /v1/clusters/provisioning) so the console shows it while the cluster comes up. Reports
// are sent one at a time in order; a failed report is printed (once per distinct error), never
// dropped silently, and never stops the cluster job.
import { call } from "./api.ts";
import type { Session } from "./api.ts";

export type ProvisioningPhase = "Pending" | "Building" | "Starting" | "Ready" | "Failed";

export interface ProvisioningReport {
  phase: ProvisioningPhase;
  /** Short label of the current step. */
  step: string;
  message: string;
  progress?: { done: number; total: number };
  clusterId?: string;
}

export class ProvisioningReporter {
  readonly #session: Session;
  readonly #name: string;
  readonly #log: (line: string) => void;
  readonly #failures = new Set<string>();
  #chain: Promise<void> = Promise.resolve();
  #clusterId: string | undefined;
  /** Reports the API accepted (for the terminal summary and tests). */
  accepted = 0;
  last: ProvisioningReport | undefined;

  constructor(session: Session, name: string, log: (line: string) => void) {
    this.#session = session;
    this.#name = name;
    this.#log = log;
  }

  /** Queues a report; `echo` also prints it (default true). */
  report(r: ProvisioningReport, echo = true): void {
    if (r.clusterId) this.#clusterId = r.clusterId;
    const body = {
      name: this.#name,
      ...r,
      ...(this.#clusterId ? { clusterId: this.#clusterId } : {}),
    };
    this.last = body;
    if (echo) {
      const p = r.progress ? ` (${r.progress.done}/${r.progress.total})` : "";
      this.#log(`tessera: local cluster ${this.#name}: ${r.phase}: ${r.step}${p}. ${r.message}`);
    }
    this.#chain = this.#chain.then(async () => {
      try {
        await call(this.#session, "POST", "/v1/clusters/provisioning", body);
        this.accepted++;
      } catch (e) {
        const reason = e instanceof Error ? e.message : String(e);
        if (this.#failures.has(reason)) return;
        this.#failures.add(reason);
        this.#log(`tessera: could not report local cluster progress to the API: ${reason}`);
      }
    });
  }

  /** Resolves once every queued report was sent (or failed). */
  flush(): Promise<void> {
    return this.#chain;
  }
}
