import { spawn } from "node:child_process";
import { projectRoot } from "./paths.ts";

/**
 * Another process takes the SQLite file's write lock (`BEGIN IMMEDIATE`) and holds it for `ms`,
 * as a second Herald process writing would; resolves once it holds it.
 */
export function lockDatabase(path: string, ms: number): Promise<void> {
  const script = `const D = require("better-sqlite3"); const db = new D(${JSON.stringify(path)});
    db.exec("BEGIN IMMEDIATE"); console.log("locked"); setTimeout(() => { db.exec("COMMIT"); db.close(); }, ${ms});`;
  const child = spawn(process.execPath, ["-e", script], { cwd: projectRoot, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.stdout.once("data", () => resolve());
    child.once("error", reject);
  });
}
