import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { ShipshapeError, problem } from './core/errors';

/**
 * The programs shipshape runs beside the main thread, named in one place. Each is a TypeScript source that tsc
 * compiles into lib/ like any other module, so `projen compile` alone makes a complete package.
 */
const WORKERS = {
  /** A worker thread: the main thread blocks on shared memory while it answers (synthesis is synchronous). */
  'cloudformation-validation': {
    runs: "AWS's CloudFormation validator",
    dir: 'cloudformation',
    base: 'validation-worker',
    module: 'commonjs',
  },
  /** A child Node process: GitHub's parser is ESM-only and needs a JSON loader hook. */
  'workflow-parser': {
    runs: "GitHub's workflow parser",
    dir: 'validators',
    base: 'workflow-parser-worker',
    module: 'esm',
  },
} as const;

export type WorkerName = keyof typeof WORKERS;

/** A worker program, resolved to a file. */
export interface WorkerProgram {
  readonly name: WorkerName;
  /** What it runs, for messages. */
  readonly runs: string;
  /** Absolute path of the file to run. */
  readonly file: string;
  /**
   * When shipshape runs from its TypeScript source (tests, tsx), the module that compiles the worker on the fly:
   * tsx's CommonJS API for a worker thread, or tsx's ESM loader (for `--import`) for a child process.
   */
  readonly tsx?: string;
}

/** Running from src/*.ts (Jest, tsx) rather than from the compiled lib/*.js. */
const FROM_SOURCE = path.extname(__filename) === '.ts';

/**
 * Where a worker lives: under lib/ (`.js`, or `.mjs` for ESM) in a package or, run from source, under src/
 * (`.ts`/`.mts`, run through tsx); beside the module that starts it either way.
 */
export function resolveWorker(name: WorkerName): WorkerProgram {
  const w = WORKERS[name];
  const esm = w.module === 'esm';
  const ext = FROM_SOURCE ? (esm ? '.mts' : '.ts') : (esm ? '.mjs' : '.js');
  const file = path.join(__dirname, w.dir, `${w.base}${ext}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tsx = FROM_SOURCE ? (esm ? pathToFileURL(require.resolve('tsx/esm')).href : require.resolve('tsx/cjs/api')) : undefined;
  return { name, runs: w.runs, file, ...(tsx ? { tsx } : {}) };
}

/** `node` arguments that run a child-process worker (with tsx's loader first when running from source). */
export function workerArgs(worker: WorkerProgram): string[] {
  return worker.tsx ? ['--import', worker.tsx, worker.file] : [worker.file];
}

/** Throw at once, naming the file and the fix, when a worker's file is not there (an incomplete package). */
export function assertWorkerPresent(worker: WorkerProgram): void {
  if (fs.existsSync(worker.file)) return;
  throw new ShipshapeError([problem('SS-WORKER-MISSING', 'shipshape', displayPath(worker.file), `missing file ${worker.file}`,
    `present: the worker that runs ${worker.runs}`,
    'shipshape\'s installed package is incomplete: reinstall it (`npm install shipshape`); in a checkout of shipshape, ' +
    'run `npx projen compile` (or `npx projen build`).')]);
}

/** A worker that crashed (while loading or while working): its first lines of error, as a ShipshapeError. */
export function workerFailed(worker: WorkerProgram, error: string, when = ''): ShipshapeError {
  // The error's own line (`Error: …`), not the stack or the source excerpt Node prints above it.
  const lines = error.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('at '));
  const cause = lines.find((l) => /^[\w.]*(Error|Exception)\b/.test(l)) ?? lines[0] ?? 'no error output';
  return new ShipshapeError([problem('SS-WORKER-FAILED', 'shipshape', displayPath(worker.file), `${when}${cause}`,
    `a worker that runs ${worker.runs} to completion`,
    'if the error names a missing module, reinstall shipshape and its peer dependencies (`npm install`); ' +
    'otherwise report it, with this message, to shipshape\'s maintainers.')]);
}

/** A worker that gave no answer in time. */
export function workerTimedOut(worker: WorkerProgram, timeoutMs: number): ShipshapeError {
  return new ShipshapeError([problem('SS-WORKER-TIMEOUT', 'shipshape', displayPath(worker.file), `no answer after ${timeoutMs / 1000} s`,
    `an answer from ${worker.runs} within ${timeoutMs / 1000} s`,
    'the machine may be overloaded; run again, and report it to shipshape\'s maintainers if it persists.')]);
}

/** The worker's path inside the package (`lib/…` or `src/…`), the part a user can check. */
function displayPath(file: string): string {
  const parts = file.split(path.sep);
  const at = Math.max(parts.lastIndexOf('lib'), parts.lastIndexOf('src'));
  return at >= 0 ? parts.slice(at).join('/') : file;
}
