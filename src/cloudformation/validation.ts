import { Worker } from 'worker_threads';
import { WorkerProgram, assertWorkerPresent, resolveWorker, workerFailed, workerTimedOut } from '../workers';

/** One diagnostic of AWS's CloudFormation validator. */
export interface TemplateDiagnostic {
  readonly severity: string;
  readonly ruleId: string;
  readonly message: string;
  readonly propertyPath?: string;
  readonly line?: number;
}

/** Validation started ahead of time: the engine warms up in a worker thread while the stacks synthesize. */
export interface PendingValidation {
  /** Validate rendered templates; blocks until the worker answers. */
  validate(templates: ReadonlyArray<{ readonly name: string; readonly text: string }>): Array<{ name: string; diagnostics: TemplateDiagnostic[] }>;
  /** Stop the worker without validating. */
  cancel(): void;
}

export interface ValidationOptions {
  /** The worker module to load. @default - validation-worker, beside this file */
  readonly worker?: WorkerProgram;
  /** How long to wait for an answer. @default 180 s */
  readonly timeoutMs?: number;
}

const BUFFER_BYTES = 16 * 1024 * 1024;
const TIMEOUT_MS = 180_000;

/**
 * The worker thread's entry point. It owns the protocol (a shared buffer: [state, byte length, JSON bytes];
 * state 1 = answered) and loads the validator module inside a try, so a module that is missing or throws while
 * loading answers `startError` at once instead of leaving the main thread waiting. It is inline so that it
 * cannot itself be missing from a package.
 */
const BOOTSTRAP = `'use strict';
const { parentPort, workerData } = require('worker_threads');
const flag = new Int32Array(workerData.shared, 0, 2);
const bytes = new Uint8Array(workerData.shared, 8);
const text = (e) => String(e && e.stack ? e.stack : e);
function reply(value) {
  if (Atomics.load(flag, 0) !== 0) return;
  const encoded = Buffer.from(JSON.stringify(value), 'utf8');
  if (encoded.length > bytes.length) {
    return reply({ error: 'validation results of ' + encoded.length + ' bytes exceed the ' + bytes.length + '-byte buffer' });
  }
  bytes.set(encoded);
  Atomics.store(flag, 1, encoded.length);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}
process.on('uncaughtException', (e) => reply({ error: text(e) }));
process.on('exit', (code) => reply({ error: 'the worker exited (code ' + code + ') without answering' }));
let worker;
try {
  if (workerData.tsx) require(workerData.tsx).register();
  worker = require(workerData.file);
  if (typeof worker.validateTemplates !== 'function') throw new Error(workerData.file + ' exports no validateTemplates function');
} catch (e) {
  worker = undefined;
  reply({ startError: text(e) });
}
if (worker) {
  parentPort.on('message', (templates) => {
    try {
      reply({ results: worker.validateTemplates(templates) });
    } catch (e) {
      reply({ error: text(e) });
    }
  });
}
`;

/**
 * Start AWS's CloudFormation validator in a worker thread. Synthesis in shipshape is synchronous (projen's
 * preSynthesize), so the main thread waits for the answer with `Atomics.wait` on a shared buffer. A missing
 * worker file throws here, at once; a worker that fails to load answers with its error as soon as it has failed.
 */
export function startValidation(options: ValidationOptions = {}): PendingValidation {
  const program = options.worker ?? resolveWorker('cloudformation-validation');
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
  assertWorkerPresent(program);
  const shared = new SharedArrayBuffer(8 + BUFFER_BYTES);
  const flag = new Int32Array(shared, 0, 2);
  const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { shared, file: program.file, tsx: program.tsx }, execArgv: [] });
  worker.unref();
  return {
    validate(templates) {
      try {
        worker.postMessage(templates);
        const deadline = Date.now() + timeoutMs;
        while (Atomics.load(flag, 0) === 0) {
          if (Atomics.wait(flag, 0, 0, Math.max(1, deadline - Date.now())) === 'timed-out' && Date.now() >= deadline) {
            throw workerTimedOut(program, timeoutMs);
          }
        }
        const length = Atomics.load(flag, 1);
        const answer = JSON.parse(Buffer.from(new Uint8Array(shared, 8, length)).toString('utf8')) as
          { results?: Array<{ name: string; diagnostics: TemplateDiagnostic[] }>; error?: string; startError?: string };
        const error = answer.startError ?? answer.error;
        if (error !== undefined) throw workerFailed(program, error, answer.startError !== undefined ? 'failed to start: ' : '');
        return answer.results ?? [];
      } finally {
        void worker.terminate();
      }
    },
    cancel() {
      void worker.terminate();
    },
  };
}
