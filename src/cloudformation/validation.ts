import * as path from 'path';
import { Worker } from 'worker_threads';

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

const BUFFER_BYTES = 16 * 1024 * 1024;
const TIMEOUT_MS = 180_000;

/**
 * Start AWS's CloudFormation validator in a worker thread. Synthesis in shipshape is synchronous (projen's
 * preSynthesize), so the main thread waits for the answer with `Atomics.wait` on a shared buffer.
 */
export function startValidation(): PendingValidation {
  const shared = new SharedArrayBuffer(8 + BUFFER_BYTES);
  const flag = new Int32Array(shared, 0, 2);
  const worker = new Worker(path.join(__dirname, 'validation-worker.js'), { workerData: { shared }, execArgv: [] });
  worker.unref();
  return {
    validate(templates) {
      try {
        worker.postMessage(templates);
        const deadline = Date.now() + TIMEOUT_MS;
        while (Atomics.load(flag, 0) === 0) {
          if (Atomics.wait(flag, 0, 0, Math.max(1, deadline - Date.now())) === 'timed-out' && Date.now() >= deadline) {
            throw new Error(`the CloudFormation validator did not answer within ${TIMEOUT_MS / 1000} s`);
          }
        }
        const length = Atomics.load(flag, 1);
        const answer = JSON.parse(Buffer.from(new Uint8Array(shared, 8, length)).toString('utf8')) as
          { results?: Array<{ name: string; diagnostics: TemplateDiagnostic[] }>; error?: string };
        if (answer.error !== undefined) throw new Error(`the CloudFormation validator failed: ${answer.error}`);
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
