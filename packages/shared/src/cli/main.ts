#!/usr/bin/env node
// The `tessera` command-line tool. Node 24 runs this TypeScript file directly (type stripping).
import fs from "node:fs";
import { runValidate, VALIDATE_USAGE } from "./validate-command.ts";
import type { CliIo } from "./validate-command.ts";

const USAGE = `usage: tessera <command> [args]

commands:
  validate <file|dir|->...   check manifests against Tessera's schemas

${VALIDATE_USAGE}`;

export function runCli(argv: readonly string[], io: CliIo): number {
  const [command, ...rest] = argv;
  if (command === "validate") return runValidate(rest, io);
  if (command === undefined || command === "help" || command === "-h" || command === "--help") {
    (command === undefined ? io.stderr : io.stdout)(USAGE);
    return command === undefined ? 2 : 0;
  }
  io.stderr(`tessera: unknown command "${command}"`);
  io.stderr(USAGE);
  return 2;
}

const nodeIo: CliIo = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  readStdin: () => fs.readFileSync(0, "utf8"),
};

if (import.meta.main) {
  process.exitCode = runCli(process.argv.slice(2), nodeIo);
}
