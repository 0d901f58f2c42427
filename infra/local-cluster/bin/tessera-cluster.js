#!/usr/bin/env node
// Entry point for the `tessera-cluster` bin: Node ≥24 runs the TypeScript sources directly.
import "../src/cli.ts";
