/**
 * The workers (AWS's CloudFormation validator in a worker thread, GitHub's workflow parser in a child process) are
 * compiled by tsc and resolved in one place. A worker that is missing, crashes while loading or never answers is a
 * ShipshapeError naming the file, fast: never the 180 s wait of an incomplete package.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startValidation } from '../src/cloudformation/validation';
import { ShipshapeError } from '../src/core/errors';
import { workflowParser } from '../src/validators/workflow-parser';
import { WorkerProgram, resolveWorker } from '../src/workers';

jest.setTimeout(120_000);

const ROOT = path.join(__dirname, '..');
const EXAMPLE = path.join(ROOT, 'examples', 'node-api');
const TEMPLATE = { name: 'infra/api-prod.template.json', text: fs.readFileSync(path.join(EXAMPLE, 'infra/api-prod.template.json'), 'utf8') };
const WORKFLOW = { name: '.github/workflows/ci.yml', content: fs.readFileSync(path.join(EXAMPLE, '.github/workflows/ci.yml'), 'utf8') };
/** Well under the real 180 s limit: a worker that is not caught failing would show up as SS-WORKER-TIMEOUT. */
const SHORT = 30_000;

let tmp: string;
beforeAll(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-workers-')); });
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A stand-in worker file: plain JavaScript, run without tsx. */
function fakeWorker(name: 'cloudformation-validation' | 'workflow-parser', file: string, code?: string): WorkerProgram {
  const abs = path.join(tmp, file);
  if (code !== undefined) fs.writeFileSync(abs, code);
  return { name, runs: resolveWorker(name).runs, file: abs };
}

function caught(fn: () => unknown): ShipshapeError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ShipshapeError);
    return e as ShipshapeError;
  }
  throw new Error('expected a ShipshapeError');
}

describe('resolving the workers', () => {
  test.each(['cloudformation-validation', 'workflow-parser'] as const)('%s resolves to a file that exists', (name) => {
    const w = resolveWorker(name);
    expect(fs.existsSync(w.file)).toBe(true);
    expect(w.file.startsWith(path.join(ROOT, 'src') + path.sep)).toBe(true);
  });

  test('the compiled names are what tsc emits: .ts -> .js, .mts -> .mjs', () => {
    expect(path.extname(resolveWorker('cloudformation-validation').file)).toBe('.ts');
    expect(path.extname(resolveWorker('workflow-parser').file)).toBe('.mts');
    // No worker is plain JavaScript in src/ any more: a post-compile copy step would be needed for it.
    const stray = fs.readdirSync(path.join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => /\.(c|m)?js$/.test(f));
    expect(stray).toEqual([]);
  });
});

describe('the CloudFormation validation worker', () => {
  test('a missing worker file throws SS-WORKER-MISSING at once, naming the file and the fix', () => {
    const worker = fakeWorker('cloudformation-validation', 'lib/cloudformation/validation-worker.js');
    const err = caught(() => startValidation({ worker, timeoutMs: SHORT }));
    expect(err.code).toBe('SS-WORKER-MISSING');
    expect(err.property).toBe('lib/cloudformation/validation-worker.js');
    expect(err.message).toContain(worker.file);
    expect(err.message).toContain('reinstall');
    expect(err.message).toContain('npx projen compile');
  });

  test('a worker that throws while loading is SS-WORKER-FAILED with its error, not a wait for the timeout', () => {
    const worker = fakeWorker('cloudformation-validation', 'crash.js', "throw new Error('boom while loading');\n");
    const err = caught(() => startValidation({ worker, timeoutMs: SHORT }).validate([TEMPLATE]));
    expect(err.code).toBe('SS-WORKER-FAILED');
    expect(err.got).toContain('failed to start');
    expect(err.got).toContain('boom while loading');
    expect(err.message).toContain(worker.file);
  });

  test('a worker that loads but has nothing to run is SS-WORKER-FAILED', () => {
    const worker = fakeWorker('cloudformation-validation', 'empty.js', 'module.exports = {};\n');
    const err = caught(() => startValidation({ worker, timeoutMs: SHORT }).validate([TEMPLATE]));
    expect(err.code).toBe('SS-WORKER-FAILED');
    expect(err.got).toContain('exports no validateTemplates function');
  });

  test('a worker that never answers is SS-WORKER-TIMEOUT after the configured time', () => {
    const worker = fakeWorker('cloudformation-validation', 'stuck.js', 'exports.validateTemplates = () => { for (;;) {} };\n');
    const err = caught(() => startValidation({ worker, timeoutMs: 1_000 }).validate([TEMPLATE]));
    expect(err.code).toBe('SS-WORKER-TIMEOUT');
    expect(err.got).toContain('1 s');
  });

  test('the real worker still answers', () => {
    const results = startValidation({ timeoutMs: 100_000 }).validate([{ ...TEMPLATE, text: TEMPLATE.text.replace('"PropagateTags"', '"PropagateTagz"') }]);
    expect(results[0].diagnostics.map((d) => d.message).join('\n')).toContain('PropagateTagz');
  });
});

describe('the workflow parser worker', () => {
  test('a missing worker file throws SS-WORKER-MISSING, naming the file', () => {
    const worker = fakeWorker('workflow-parser', 'lib/validators/workflow-parser-worker.mjs');
    const err = caught(() => workflowParser([WORKFLOW], tmp, worker, SHORT));
    expect(err.code).toBe('SS-WORKER-MISSING');
    expect(err.property).toBe('lib/validators/workflow-parser-worker.mjs');
    expect(err.message).toContain('npx projen compile');
  });

  test('a worker that throws while loading is SS-WORKER-FAILED with its error', () => {
    const worker = fakeWorker('workflow-parser', 'crash.mjs', "throw new Error('parser boom');\n");
    const err = caught(() => workflowParser([WORKFLOW], tmp, worker, SHORT));
    expect(err.code).toBe('SS-WORKER-FAILED');
    expect(err.got).toContain('parser boom');
  });

  test('a worker that never answers is SS-WORKER-TIMEOUT', () => {
    const worker = fakeWorker('workflow-parser', 'stuck.mjs', 'setInterval(() => {}, 1000);\n');
    const err = caught(() => workflowParser([WORKFLOW], tmp, worker, 1_000));
    expect(err.code).toBe('SS-WORKER-TIMEOUT');
  });
});

/**
 * `shipshape validate` from a copy of shipshape whose worker is gone or broken: exit code 2 and a message naming the
 * file, well within the limit below (an incomplete package used to wait 180 s, then print no cause and no fix).
 */
describe('shipshape validate with a broken worker', () => {
  function copyOfShipshape(): string {
    const dir = fs.mkdtempSync(path.join(tmp, 'pkg-'));
    fs.cpSync(path.join(ROOT, 'src'), path.join(dir, 'src'), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    return dir;
  }

  function validate(pkg: string, file: string): { status: number | null; output: string } {
    const project = fs.mkdtempSync(path.join(tmp, 'project-'));
    fs.mkdirSync(path.join(project, path.dirname(file)), { recursive: true });
    fs.copyFileSync(path.join(EXAMPLE, file), path.join(project, file));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tsx = require.resolve('tsx/cli');
    const r = spawnSync(process.execPath, [tsx, path.join(pkg, 'src/cli/main.ts'), 'validate', project], { encoding: 'utf8', timeout: 90_000 });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  }

  test('a missing CloudFormation worker: exit 2, SS-WORKER-MISSING, the file and the fix', () => {
    const pkg = copyOfShipshape();
    fs.rmSync(path.join(pkg, 'src/cloudformation/validation-worker.ts'));
    const { status, output } = validate(pkg, 'infra/prod.template.json');
    expect(output).toContain('[SS-WORKER-MISSING]');
    expect(output).toContain('src/cloudformation/validation-worker.ts');
    expect(output).toContain('npx projen compile');
    expect(output).not.toMatch(/did not answer within 180 s/);
    expect(status).toBe(2);
  });

  test('a workflow parser worker that crashes: exit 2, SS-WORKER-FAILED and its error', () => {
    const pkg = copyOfShipshape();
    fs.writeFileSync(path.join(pkg, 'src/validators/workflow-parser-worker.mts'), "throw new Error('parser cannot start');\n");
    const { status, output } = validate(pkg, '.github/workflows/ci.yml');
    expect(output).toContain('[SS-WORKER-FAILED]');
    expect(output).toContain('parser cannot start');
    expect(output).toContain('src/validators/workflow-parser-worker.mts');
    expect(status).toBe(2);
  });
});
