import { readdirSync, readFileSync } from "node:fs";

/** Every live process: pid → [parent pid, command name], read from /proc (Linux). */
function processTable(): Map<number, [number, string]> {
  const table = new Map<number, [number, string]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split at the last ")".
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const comm = stat.slice(stat.indexOf("(") + 1, close);
      const ppid = Number(stat.slice(close + 2).split(" ")[1]);
      table.set(Number(entry), [ppid, comm]);
    } catch {
      // Gone between the listing and the read.
    }
  }
  return table;
}

/** The command names of every process whose parent chain leads to `pid` (children, grandchildren, …). */
export function descendantCommands(pid: number): string[] {
  const table = processTable();
  const children = new Map<number, number[]>();
  for (const [child, [parent]] of table) children.set(parent, [...(children.get(parent) ?? []), child]);
  const found: string[] = [];
  const queue = [...(children.get(pid) ?? [])];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    found.push(table.get(next)?.[1] ?? "");
    queue.push(...(children.get(next) ?? []));
  }
  return found;
}

/** How many Chromium processes (browser, zygotes, renderers, GPU/utility helpers) descend from `pid`. */
export function chromiumProcessesUnder(pid: number): number {
  return descendantCommands(pid).filter((comm) => /chrom/i.test(comm)).length;
}
