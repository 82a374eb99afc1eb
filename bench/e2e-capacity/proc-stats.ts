// CPU and memory of a process and everything it started, from /proc (Linux): utime + stime of
// /proc/<pid>/stat (clock ticks, USER_HZ 100), cutime + cstime (the CPU of its children that
// ended and were waited for: short ffmpeg runs that start and end between two samples), and VmRSS
// of /proc/<pid>/status.
import fs from 'node:fs';

const TICKS_PER_SECOND = 100;

export interface ProcSample {
  readonly pid: number;
  readonly name: string;
  /** utime + stime, seconds. */
  readonly cpuSeconds: number;
  /** cutime + cstime: the CPU of its children that ended, seconds. */
  readonly endedChildrenCpuSeconds: number;
  readonly rssKiB: number;
}

function readStat(
  pid: number,
): { ppid: number; name: string; cpuSeconds: number; endedChildrenCpuSeconds: number } | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      ppid: Number(fields[1]),
      name,
      cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
      endedChildrenCpuSeconds: (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND,
    };
  } catch {
    return null;
  }
}

function readRssKiB(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** The process and its descendants (children it started: ffmpeg, pocketsphinx, workers). */
export function sampleTree(root: number): ProcSample[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(Number(entry));
    children.set(stat.ppid, list);
  }
  const out: ProcSample[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    const stat = readStat(pid);
    if (!stat) continue;
    out.push({ pid, ...stat, rssKiB: readRssKiB(pid) });
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** One process alone. */
export function sampleProcess(pid: number): ProcSample | null {
  const stat = readStat(pid);
  return stat ? { pid, ...stat, rssKiB: readRssKiB(pid) } : null;
}

/**
 * The CPU seconds a process tree used so far: every live process's own, and the children each
 * of them waited for (so a child is counted while it runs and after it ended).
 */
export function treeCpuSeconds(tree: readonly ProcSample[]): number {
  return tree.reduce((sum, p) => sum + p.cpuSeconds + p.endedChildrenCpuSeconds, 0);
}
