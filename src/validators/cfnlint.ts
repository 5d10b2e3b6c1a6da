import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Finding } from './finding';

/**
 * The cfn-lint release the templates are checked with: the tests run it, and the generated `iac`
 * job runs the same release with the same invocation ({@link cfnLintCommand}), so a template the
 * tests pass is a template the job passes.
 */
export const CFN_LINT_VERSION = '1.51.0';

/** How to install it (the Python package). */
export const CFN_LINT_INSTALL = `pip install cfn-lint==${CFN_LINT_VERSION}`;

/** The `iac` job's command: the pinned cfn-lint on the given templates, with cfn-lint's defaults (no config file). */
export function cfnLintCommand(templates: readonly string[]): string {
  return `pipx run cfn-lint==${CFN_LINT_VERSION} ${templates.join(' ')}`;
}

/** The installed cfn-lint's version (`cfn-lint --version` → `cfn-lint 1.51.0`), or undefined when it is not on PATH. */
export function cfnLintVersion(): string | undefined {
  const r = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  return /(\d+\.\d+\.\d+)/.exec(r.stdout)?.[1];
}

interface CfnLintMatch {
  readonly Filename: string;
  readonly Level: string;
  readonly Message: string;
  readonly Location?: { readonly Start?: { readonly LineNumber?: number }; readonly Path?: ReadonlyArray<string | number> };
  readonly Rule: { readonly Id: string };
}

/** One cfn-lint match as a finding: `E…` errors, `W…` warnings, `I…` informational. */
export function cfnLintFinding(m: CfnLintMatch, file: string): Finding {
  const level = m.Level.toLowerCase();
  const at = m.Location?.Path?.length ? ` (at ${m.Location.Path.join('/')})` : '';
  return {
    validator: 'cfn-lint',
    file,
    severity: level === 'error' ? 'error' : level === 'warning' ? 'warning' : 'info',
    rule: m.Rule.Id,
    message: `${m.Message}${at}`,
    line: m.Location?.Start?.LineNumber,
  };
}

/**
 * cfn-lint (the Python package `cfn-lint`) on templates, in one run (it takes seconds to start):
 * the texts are written under a temporary directory with their own relative names, linted with
 * `--format json`, and the matches mapped back to those names. Throws when cfn-lint is not
 * installed or does not answer with JSON.
 */
export function cfnLint(files: ReadonlyArray<{ readonly name: string; readonly content: string }>): Finding[] {
  if (files.length === 0) return [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-cfn-lint-'));
  try {
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(dir, f.name)), { recursive: true });
      fs.writeFileSync(path.join(dir, f.name), f.content);
    }
    const r = spawnSync('cfn-lint', ['--format', 'json', '--', ...files.map((f) => f.name)], {
      cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
    });
    if (r.error) throw new Error(`cfn-lint could not run (${CFN_LINT_INSTALL}): ${r.error.message}`);
    let matches: CfnLintMatch[];
    try {
      matches = JSON.parse(r.stdout) as CfnLintMatch[];
    } catch {
      throw new Error(`cfn-lint exited with ${r.status} without a JSON report: ${(r.stderr || r.stdout).trim().slice(0, 2000)}`);
    }
    const byPath = new Map(files.map((f) => [path.normalize(f.name), f.name]));
    return matches.map((m) => cfnLintFinding(m, byPath.get(path.normalize(m.Filename)) ?? m.Filename));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
