// `tessera validate <file|dir|->...`: checks manifests offline against Tessera's schemas.
// Problems go to stdout, one line each; skipped documents and the summary go to stderr.
// Exit status: 0 all valid, 1 any invalid or malformed document, 2 usage error or unreadable input.
import fs from "node:fs";
import path from "node:path";
import { formatProblems, formatSkipped, validateYamlText } from "../validate/validate-yaml.ts";

export interface CliIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  readStdin: () => string;
}

export const VALIDATE_USAGE = `usage: tessera validate <file|dir|->...

Checks Kubernetes YAML (multi-document) against Tessera's schemas for ModelServing, ModelBooster,
AutoscalingPolicy, ModelRoute, ModelServer, PodGroup and HyperNode. Directories are searched
recursively for *.yaml and *.yml; "-" reads standard input. Other kinds are reported as skipped.

Exit status: 0 all valid, 1 invalid documents, 2 usage error or unreadable input.`;

const YAML_FILE = /\.ya?ml$/i;

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    // Hidden directories (.git, .github caches) and node_modules hold no manifests worth checking.
    if (entry.isDirectory() && !entry.name.startsWith(".") && entry.name !== "node_modules")
      out.push(...walk(full));
    else if (entry.isFile() && YAML_FILE.test(entry.name)) out.push(full);
  }
  return out;
}

interface Input {
  name: string;
  read: () => string;
}

function errorMessage(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === "ENOENT") return "no such file or directory";
  if (code === "EACCES") return "permission denied";
  return error instanceof Error ? error.message : String(error);
}

export function runValidate(args: readonly string[], io: CliIo): number {
  if (args.includes("-h") || args.includes("--help")) {
    io.stdout(VALIDATE_USAGE);
    return 0;
  }
  const unknownFlag = args.find((a) => a.startsWith("-") && a !== "-");
  if (unknownFlag !== undefined || args.length === 0) {
    io.stderr(
      unknownFlag !== undefined
        ? `tessera validate: unknown option ${unknownFlag}`
        : "tessera validate: no input given",
    );
    io.stderr(VALIDATE_USAGE);
    return 2;
  }

  // Resolve every argument before validating anything, so a typo in a path is a usage error
  // rather than a half-finished run.
  const inputs: Input[] = [];
  for (const arg of args) {
    if (arg === "-") {
      inputs.push({ name: "<stdin>", read: io.readStdin });
      continue;
    }
    let stat: fs.Stats;
    try {
      stat = fs.statSync(arg);
    } catch (error) {
      io.stderr(`tessera validate: ${arg}: ${errorMessage(error)}`);
      return 2;
    }
    const files = stat.isDirectory() ? walk(arg) : [arg];
    if (stat.isDirectory() && files.length === 0) {
      io.stderr(`tessera validate: ${arg}: no *.yaml or *.yml files`);
      return 2;
    }
    for (const file of files)
      inputs.push({ name: file, read: () => fs.readFileSync(file, "utf8") });
  }

  let valid = 0;
  let invalid = 0;
  let skipped = 0;
  for (const input of inputs) {
    let text: string;
    try {
      text = input.read();
    } catch (error) {
      io.stderr(`tessera validate: ${input.name}: ${errorMessage(error)}`);
      return 2;
    }
    for (const report of validateYamlText(text)) {
      if (report.status === "valid") valid += 1;
      else if (report.status === "skipped") {
        skipped += 1;
        io.stderr(formatSkipped(input.name, report) ?? "");
      } else {
        invalid += 1;
        for (const line of formatProblems(input.name, report)) io.stdout(line);
      }
    }
  }
  io.stderr(`${valid} valid, ${invalid} invalid, ${skipped} skipped`);
  return invalid > 0 ? 1 : 0;
}
