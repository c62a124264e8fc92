#!/usr/bin/env node
// Herald runs its TypeScript sources directly through tsx: no build step to forget.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../jobs/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
