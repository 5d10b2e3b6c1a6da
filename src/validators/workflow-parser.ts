import { spawnSync } from 'child_process';
import * as path from 'path';
import type { Finding } from './finding';

/**
 * GitHub's own workflow parser (npm `@actions/workflow-parser`), run in a child
 * Node process because it is ESM-only and needs a JSON loader hook.
 */
export function workflowParser(files: ReadonlyArray<{ readonly name: string; readonly content: string }>, cwd = process.cwd()): Finding[] {
  if (files.length === 0) return [];
  const worker = path.join(__dirname, 'workflow-parser-worker.mjs');
  const r = spawnSync(process.execPath, [worker], { input: JSON.stringify(files), encoding: 'utf8', cwd, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`workflow parser failed: ${r.stderr}`);
  const results = JSON.parse(r.stdout) as Array<{ file: string; message: string; line?: number }>;
  return results.map((e) => ({ validator: 'workflow-parser', file: e.file, severity: 'error', rule: 'schema', message: e.message, line: e.line }));
}
