import { spawnSync } from 'child_process';
import type { Finding } from './finding';

/**
 * The yamllint configuration generated YAML must pass: yamllint's defaults, with
 * document-start off, `truthy` limited to true/false (keys such as `on:` are not checked),
 * and a relaxed line length, since `run:` lines and pinned `uses:` lines are long.
 */
export const YAMLLINT_CONFIG = [
  'extends: default',
  'rules:',
  '  document-start: disable',
  "  truthy: {allowed-values: ['true', 'false'], check-keys: false}",
  '  line-length: {max: 250}',
].join('\n');

/** yamllint (Debian package `yamllint`) on one YAML text. Throws when yamllint is not installed. */
export function yamllint(content: string, file: string): Finding[] {
  const r = spawnSync('yamllint', ['-d', YAMLLINT_CONFIG, '-f', 'parsable', '-'], { input: content, encoding: 'utf8' });
  if (r.error) throw new Error(`yamllint could not run (install the Debian package 'yamllint'): ${r.error.message}`);
  // stdin:3:1: [error] wrong indentation: expected 2 but found 0 (indentation)
  return r.stdout.split('\n').filter(Boolean).map((line) => {
    const m = /^[^:]*:(\d+):\d+: \[(\w+)\] (.*?)(?: \(([\w-]+)\))?$/.exec(line);
    return {
      validator: 'yamllint',
      file,
      severity: m?.[2] === 'warning' ? 'warning' : 'error',
      rule: m?.[4] ?? 'yamllint',
      message: m?.[3] ?? line,
      line: m ? Number(m[1]) : undefined,
    } satisfies Finding;
  });
}
