// File mode: a multi-document YAML file of ModelRoute, ModelServer and Pod objects (and optionally a
// SchedulerConfig), plus optionally a separate scheduler-config file. Both are watched (fs.watch on
// the directory, so editors that replace the file by rename are seen, plus a slow poll as a safety
// net) and re-applied on change. A file that fails to parse or validate is reported and ignored:
// the router keeps serving the last good state.
import { watch } from "node:fs";
import type { FSWatcher } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import type { Logger } from "pino";
import { parseSchedulerConfigText } from "../../config/loader.ts";
import type { Router, SourceStatus } from "../../router.ts";
import { parseObjectsYaml } from "../parse.ts";

export interface FileSourceOptions {
  /** The objects file (--config); omitted in Kubernetes mode, where only the scheduler file is watched. */
  path?: string;
  /** Optional separate scheduler config file (--scheduler-config). */
  schedulerConfigPath?: string;
  debounceMs?: number;
  pollMs?: number;
}

class WatchedFile {
  readonly path: string;
  #text: string | null = null;
  #watcher: FSWatcher | null = null;
  #timer: NodeJS.Timeout | null = null;
  #poll: NodeJS.Timeout | null = null;
  #mtime = 0;
  #size = -1;

  constructor(path: string) {
    this.path = resolve(path);
  }

  async read(): Promise<string | null> {
    // Stat before reading: if the file changes after the stat, the poll sees a newer stat than the
    // one recorded here and reads again, so a write racing a read is never lost.
    const s = await stat(this.path);
    this.#mtime = s.mtimeMs;
    this.#size = s.size;
    const text = await readFile(this.path, "utf8");
    if (text === this.#text) return null;
    this.#text = text;
    return text;
  }

  watch(debounceMs: number, pollMs: number, onChange: () => void): void {
    const name = basename(this.path);
    const fire = () => {
      if (this.#timer !== null) clearTimeout(this.#timer);
      this.#timer = setTimeout(onChange, debounceMs);
      this.#timer.unref();
    };
    try {
      this.#watcher = watch(dirname(this.path), { persistent: false }, (_ev, f) => {
        if (f === null || f === name) fire();
      });
      this.#watcher.on("error", () => undefined);
    } catch {
      this.#watcher = null;
    }
    this.#poll = setInterval(() => {
      stat(this.path).then(
        (s) => {
          if (s.mtimeMs !== this.#mtime || s.size !== this.#size) fire();
        },
        () => undefined,
      );
    }, pollMs);
    this.#poll.unref();
  }

  close(): void {
    this.#watcher?.close();
    if (this.#timer !== null) clearTimeout(this.#timer);
    if (this.#poll !== null) clearInterval(this.#poll);
  }
}

export class FileSource implements SourceStatus {
  readonly name = "file";
  readonly #router: Router;
  readonly #log: Logger;
  readonly #objects: WatchedFile | null;
  readonly #sched: WatchedFile | null;
  readonly #debounceMs: number;
  readonly #pollMs: number;
  /** Per file: the error of its current text (kept while that text is unchanged). */
  readonly #errors: Record<"objects" | "scheduler", string | null> = {
    objects: null,
    scheduler: null,
  };
  #reloading: Promise<void> = Promise.resolve();

  constructor(router: Router, opts: FileSourceOptions) {
    this.#router = router;
    this.#log = router.logger.child({ source: "file" });
    this.#objects = opts.path !== undefined ? new WatchedFile(opts.path) : null;
    this.#sched =
      opts.schedulerConfigPath !== undefined ? new WatchedFile(opts.schedulerConfigPath) : null;
    this.#debounceMs = opts.debounceMs ?? 50;
    this.#pollMs = opts.pollMs ?? 1_000;
  }

  problem(): string | null {
    return null;
  }

  /** Last reload error (the router keeps the previous state meanwhile). */
  get lastError(): string | null {
    return this.#errors.objects ?? this.#errors.scheduler;
  }

  /** Initial load: throws when either file is unreadable or invalid (fatal at startup). */
  async start(): Promise<void> {
    await this.#loadObjects(true);
    if (this.#sched !== null) await this.#loadScheduler(true);
    this.#objects?.watch(this.#debounceMs, this.#pollMs, () => void this.reload("objects"));
    this.#sched?.watch(this.#debounceMs, this.#pollMs, () => void this.reload("scheduler"));
    if (this.#objects !== null) this.#router.sources.push(this);
  }

  /** Re-reads a file; serialised so two reloads never interleave. */
  reload(which: "objects" | "scheduler"): Promise<void> {
    this.#reloading = this.#reloading.then(async () => {
      try {
        // An unchanged text (a second watch event for the same write) keeps its file's error:
        // the file is still as invalid as it was, and the router still runs the previous state.
        const applied =
          which === "objects" ? await this.#loadObjects(false) : await this.#loadScheduler(false);
        if (applied) this.#errors[which] = null;
      } catch (err) {
        this.#errors[which] = (err as Error).message;
        this.#router.metrics.reloads.inc({ kind: which, result: "error" });
        this.#log.error(
          { err: (err as Error).message },
          `${which} reload failed; keeping the previous state`,
        );
      }
    });
    return this.#reloading;
  }

  /** False when the file's text has not changed since it was last read (nothing applied). */
  async #loadObjects(initial: boolean): Promise<boolean> {
    if (this.#objects === null) return false;
    const text = await this.#objects.read();
    if (text === null) return false;
    const parsed = parseObjectsYaml(text, this.#objects.path);
    // Scheduler config embedded in the objects file applies only without a separate file.
    if (this.#sched === null && (parsed.schedulerConfig !== null || !initial)) {
      this.#router.applySchedulerConfig(parsed.schedulerConfig ?? {});
    }
    const table = this.#router.applySnapshot(parsed.snapshot);
    this.#router.metrics.reloads.inc({ kind: "objects", result: "ok" });
    this.#log.info(
      {
        version: table.version,
        models: table.modelIds.length,
        servers: table.servers.size,
        endpoints: this.#router.pool.size,
        warnings: table.warnings.length,
      },
      initial ? "objects loaded" : "objects reloaded",
    );
    return true;
  }

  async #loadScheduler(initial: boolean): Promise<boolean> {
    if (this.#sched === null) return false;
    const text = await this.#sched.read();
    if (text === null) return false;
    this.#router.applySchedulerConfig(parseSchedulerConfigText(text));
    this.#router.metrics.reloads.inc({ kind: "scheduler", result: "ok" });
    this.#log.info(initial ? "scheduler config loaded" : "scheduler config reloaded");
    return true;
  }

  close(): void {
    this.#objects?.close();
    this.#sched?.close();
  }
}
