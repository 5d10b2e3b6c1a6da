import type { JobSpec } from './job-spec';
import { Problem, problem } from '../core/errors';
import { ActionPins, isPinned } from '../github/pins';

export interface JobCheckOptions {
  readonly pins: ActionPins;
  readonly enforcePinning: boolean;
}

/** Contexts an attacker controls (a PR title, a branch name): never inside `run:`, only through `env:`. */
const UNTRUSTED = /\$\{\{[^}]*\b(github\.event\.|github\.head_ref\b|inputs\.)/;

/**
 * Cross-job checks of one workflow: `needs` name real jobs and form no cycle, every
 * action is pinned (or in the pin table), checkouts never persist the token, and
 * no untrusted context appears inside a script.
 */
export function validateJobs(specs: readonly JobSpec[], options: JobCheckOptions): Problem[] {
  const problems: Problem[] = [];
  const ids = specs.map((s) => s.job.id);
  for (const { job, path } of specs) {
    for (const need of job.needs) {
      if (!ids.includes(need)) problems.push(problem('SS-JOB-NEEDS', path, 'needs', need, `the id of a job in this pipeline (${ids.join(', ')})`));
    }
    job.steps.forEach((step, i) => {
      if (step.run && UNTRUSTED.test(step.run)) {
        problems.push(problem('SS-WORKFLOW-UNTRUSTED', path, `steps.${i}.run`, step.run, 'a script without github.event.*, github.head_ref or inputs.* expressions',
          'Pass the value through the step\'s env and read it as "$VAR".'));
      }
      if (!step.uses) return;
      if (step.uses.split('@')[0] === 'actions/checkout' && step.with?.['persist-credentials'] !== false) {
        problems.push(problem('SS-WORKFLOW-CHECKOUT', path, `steps.${i}.with.persist-credentials`, step.with?.['persist-credentials'], 'false, so the token is not left in .git/config'));
      }
      if (step.uses.includes('@')) {
        if (options.enforcePinning && !isPinned(step.uses)) {
          problems.push(problem('SS-ACTION-UNPINNED', path, `steps.${i}.uses`, step.uses, "an action pinned to a full commit SHA ('owner/repo@<40 hex>'), or a bare 'owner/repo' from the pin table",
            'Pin it with its commit SHA, or add it to actionPins.'));
        }
      } else if (!step.uses.startsWith('./') && !step.uses.startsWith('docker://') && !options.pins.tryFind(step.uses)) {
        problems.push(problem('SS-ACTION-UNKNOWN', path, `steps.${i}.uses`, step.uses, `an action in the pin table (${options.pins.repos.join(', ')})`, 'Add it to actionPins with its commit SHA and version.'));
      }
    });
  }
  const cycle = findCycle(new Map(specs.map((s) => [s.job.id, s.job])));
  if (cycle) problems.push(problem('SS-JOB-CYCLE', specs.find((s) => s.job.id === cycle[0])!.path, 'needs', cycle.join(' -> '), 'jobs whose needs form no cycle'));
  return problems;
}

/** A cycle in the needs graph, as job ids ending where they start, or undefined. */
export function findCycle(jobs: ReadonlyMap<string, { readonly needs: readonly string[] }>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done' || !jobs.has(id)) return undefined;
    if (state.get(id) === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const n of jobs.get(id)!.needs) {
      const c = visit(n);
      if (c) return c;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of jobs.keys()) {
    const c = visit(id);
    if (c) return c;
  }
  return undefined;
}
