import type { JobModel } from '../github/workflow';

/** The longest chain of jobs through `needs`, weighted by expected minutes. */
export interface CriticalPath {
  readonly jobs: readonly string[];
  readonly minutes: number;
}

/**
 * The critical path over `jobs` (only needs among them count): the chain whose expected
 * minutes add up to the most. Jobs without an expected duration count as 0.
 * Ties go to the job declared first, so the result is deterministic.
 */
export function criticalPath(jobs: readonly JobModel[]): CriticalPath {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const memo = new Map<string, CriticalPath>();
  const finish = (id: string, seen: ReadonlySet<string>): CriticalPath => {
    const cached = memo.get(id);
    if (cached) return cached;
    const job = byId.get(id)!;
    let best: CriticalPath = { jobs: [], minutes: 0 };
    for (const need of job.needs) {
      if (!byId.has(need) || seen.has(need)) continue;
      const p = finish(need, new Set([...seen, need]));
      if (p.minutes > best.minutes) best = p;
    }
    const result = { jobs: [...best.jobs, id], minutes: best.minutes + (job.expectedMinutes ?? 0) };
    memo.set(id, result);
    return result;
  };
  let best: CriticalPath = { jobs: [], minutes: 0 };
  for (const job of jobs) {
    const p = finish(job.id, new Set([job.id]));
    if (p.minutes > best.minutes) best = p;
  }
  return best;
}

/** `changes (1m) → image (6m) = 7m` */
export function formatPath(path: CriticalPath, jobs: readonly JobModel[]): string {
  if (path.jobs.length === 0) return '(no jobs) = 0m';
  const minutes = new Map(jobs.map((j) => [j.id, j.expectedMinutes ?? 0]));
  return `${path.jobs.map((id) => `${id} (${minutes.get(id)}m)`).join(' → ')} = ${path.minutes}m`;
}
