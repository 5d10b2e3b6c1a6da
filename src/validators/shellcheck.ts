import { spawnSync } from 'child_process';
import { parse } from 'yaml';
import type { Finding } from './finding';

interface ShellcheckComment { line: number; level: string; code: number; message: string }

/** `${{ expr }}` → underscores of the same length, so shellcheck sees a plain word and line/column stay put. */
export function blankExpressions(script: string): string {
  return script.replace(/\$\{\{[\s\S]*?\}\}/g, (m) => m.replace(/[^\n]/g, '_'));
}

/** Every `run:` script of a workflow, with a label naming its job and step. */
export function runScripts(workflowYaml: string): Array<{ readonly label: string; readonly script: string; readonly shell?: string }> {
  const wf = parse(workflowYaml) as { jobs?: Record<string, { steps?: Array<{ name?: string; run?: string; shell?: string }> }> };
  const out: Array<{ label: string; script: string; shell?: string }> = [];
  for (const [id, job] of Object.entries(wf.jobs ?? {})) {
    (job.steps ?? []).forEach((step, i) => {
      if (typeof step.run === 'string') out.push({ label: `jobs.${id}.steps[${i}]${step.name ? ` (${step.name})` : ''}`, script: step.run, shell: step.shell });
    });
  }
  return out;
}

/**
 * shellcheck (Debian package `shellcheck`) on one script as bash, after blanking
 * GitHub expressions. Throws when shellcheck is not installed.
 */
export function shellcheck(script: string, label: string): Finding[] {
  const r = spawnSync('shellcheck', ['-s', 'bash', '-f', 'json1', '-'], { input: blankExpressions(script), encoding: 'utf8' });
  if (r.error) throw new Error(`shellcheck could not run (install the Debian package 'shellcheck'): ${r.error.message}`);
  const comments = (JSON.parse(r.stdout || '{"comments":[]}') as { comments: ShellcheckComment[] }).comments;
  return comments.map((c) => ({
    validator: 'shellcheck',
    file: label,
    severity: c.level === 'error' ? 'error' : c.level === 'warning' ? 'warning' : 'info',
    rule: `SC${c.code}`,
    message: c.message,
    line: c.line,
  }));
}

/** shellcheck on every bash `run:` script of a workflow. */
export function shellcheckWorkflow(workflowYaml: string, file: string): Finding[] {
  return runScripts(workflowYaml)
    .filter((s) => s.shell === undefined || s.shell === 'bash')
    .flatMap((s) => shellcheck(s.script, `${file} ${s.label}`));
}
