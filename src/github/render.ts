import { ActionPins, isPinned } from './pins';
import type { JobModel, StepModel, WorkflowModel, WorkflowOverride } from './workflow';
import { KeyOrder, toYaml } from '../core/serialize';

const WORKFLOW_HEAD = ['name', 'on', 'permissions', 'concurrency', 'env', 'defaults', 'jobs'];
const JOB_HEAD = ['name', 'needs', 'if', 'runs-on', 'environment', 'permissions', 'concurrency', 'timeout-minutes', 'continue-on-error', 'strategy', 'services', 'outputs', 'env', 'defaults', 'steps'];
const STEP_HEAD = ['name', 'id', 'if', 'uses', 'with', 'env', 'run', 'shell', 'working-directory', 'continue-on-error', 'timeout-minutes'];

/** Canonical key order of a workflow file. */
export const workflowOrder: KeyOrder = (path) => {
  if (path.length === 0) return WORKFLOW_HEAD;
  if (path.length === 1 && path[0] === 'jobs') return 'preserve';
  if (path[path.length - 1] === 'concurrency') return ['group', 'cancel-in-progress'];
  if (path.length === 2 && path[0] === 'jobs') return JOB_HEAD;
  if (path.length === 4 && path[0] === 'jobs' && path[2] === 'steps') return STEP_HEAD;
  return undefined;
};

/** The workflow as the plain object GitHub reads. Actions are pinned here. */
export function workflowObject(model: WorkflowModel, pins: ActionPins): Record<string, unknown> {
  const jobs: Record<string, unknown> = {};
  for (const job of model.jobs) jobs[job.id] = jobObject(job, pins);
  const out: Record<string, unknown> = {
    name: model.name,
    on: model.on,
    permissions: model.permissions,
    ...(model.concurrency ? { concurrency: { 'group': model.concurrency.group, 'cancel-in-progress': model.concurrency.cancelInProgress } } : {}),
    ...(model.env ? { env: model.env } : {}),
    jobs,
    ...(model.raw ?? {}),
  };
  for (const o of model.overrides ?? []) applyOverride(out, o);
  return out;
}

/**
 * Set or delete one key deep in a plain object, copying on the way so the model stays untouched.
 * Arrays are addressed by index (`steps.2.with`).
 */
export function applyOverride(root: Record<string, unknown>, override: WorkflowOverride): void {
  let cur: Record<string, unknown> = root;
  const { path, value } = override;
  for (const key of path.slice(0, -1)) {
    const next = cur[key];
    const copy: Record<string, unknown> = Array.isArray(next) ? ([...next] as unknown as Record<string, unknown>)
      : next !== null && typeof next === 'object' ? { ...(next as Record<string, unknown>) } : {};
    cur[key] = copy;
    cur = copy;
  }
  const last = path[path.length - 1];
  if (value === undefined) delete cur[last];
  else cur[last] = value;
}

function jobObject(job: JobModel, pins: ActionPins): Record<string, unknown> {
  return {
    'name': job.name,
    'needs': job.needs.length > 0 ? [...job.needs] : undefined,
    'if': job.if,
    'runs-on': job.runsOn,
    'environment': job.environment,
    'permissions': job.permissions,
    'concurrency': job.concurrency ? { 'group': job.concurrency.group, 'cancel-in-progress': job.concurrency.cancelInProgress } : undefined,
    'timeout-minutes': job.timeoutMinutes,
    'strategy': job.strategy,
    'services': job.services,
    'outputs': job.outputs,
    'env': job.env,
    'defaults': job.defaults ? { run: { 'working-directory': job.defaults.run.workingDirectory, 'shell': job.defaults.run.shell } } : undefined,
    'steps': job.steps.map((s) => stepObject(s, pins)),
    ...(job.raw ?? {}),
  };
}

function stepObject(step: StepModel, pins: ActionPins): Record<string, unknown> {
  return {
    'name': step.name,
    'id': step.id,
    'if': step.if,
    'uses': step.uses ? pinnedUses(step.uses, pins) : undefined,
    'with': step.with,
    'env': step.env,
    'run': step.run,
    'shell': step.shell,
    'working-directory': step.workingDirectory,
    'continue-on-error': step.continueOnError,
    'timeout-minutes': step.timeoutMinutes,
  };
}

/** `actions/checkout` → `actions/checkout@<sha>`; already-pinned references stay as they are. */
export function pinnedUses(uses: string, pins: ActionPins): string {
  if (uses.includes('@') || uses.startsWith('./') || uses.startsWith('docker://')) return uses;
  const pin = pins.tryFind(uses);
  return pin ? `${uses}@${pin.sha}` : uses;
}

/** Render the workflow YAML, with the release of every pinned action in a trailing comment. */
export function renderWorkflow(model: WorkflowModel, pins: ActionPins, header: readonly string[] = []): string {
  const text = toYaml(workflowObject(model, pins), {
    header,
    order: workflowOrder,
    trailingComment: (key, value) => {
      if (key !== 'uses' || !isPinned(value)) return undefined;
      const pin = pins.tryFind(value);
      return pin && value.endsWith(`@${pin.sha}`) ? pin.version : undefined;
    },
  });
  // yamllint's default `comments` rule wants two spaces between content and a trailing comment.
  return text.replace(/^(\s*(?:- )?uses: \S+@[0-9a-f]{40}) # /gm, '$1  # ');
}
