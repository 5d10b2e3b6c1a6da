import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Project } from 'projen';
import { ShipshapeError } from '../src/core/errors';
import { Shipshape } from '../src/shipshape';

/** A bare projen project in `outdir`, with CloudFormation validation off (behaviour tests stay fast). */
export function bareProject(outdir: string, name = 'app'): Project {
  const project = new Project({ name, outdir });
  Shipshape.configure(project, { cloudFormationValidation: false });
  return project;
}

/** Every file under `dir` with its content, sorted, for before/after comparison. */
export function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const abs = path.join(d, e.name);
      if (e.isDirectory()) walk(abs);
      else out[path.relative(dir, abs)] = fs.readFileSync(abs, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/**
 * GIVEN a directory holding one file, WHEN a project is built and synthesized in it,
 * THEN a ShipshapeError is thrown and the directory is byte-for-byte unchanged.
 */
export function expectRejected(build: (outdir: string) => Project, existing: Record<string, string> = {}): ShipshapeError {
  const { error, before, after } = attempt(build, existing);
  expect(after).toEqual(before);
  return error;
}

/** Run a synthesis that must throw a ShipshapeError; the directory's files before and after, for comparison. */
function attempt(build: (outdir: string) => Project, existing: Record<string, string>) {
  const { error, before, after } = attemptSynth(build, existing);
  if (!(error instanceof ShipshapeError)) {
    throw new Error(`expected a ShipshapeError, got ${error instanceof Error ? error.stack : String(error)}`);
  }
  return { error, before, after };
}

/**
 * Build and synthesize a project in a fresh directory holding a sentinel file (and `existing`); whatever it threw
 * (undefined: it succeeded) and the directory's files before and after.
 */
export function attemptSynth(build: (outdir: string) => Project, existing: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'shipshape-bad-'));
  for (const [file, content] of Object.entries({ 'sentinel.txt': 'hand-written\n', ...existing })) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  const before = tree(dir);
  const previous = process.env.PROJEN_DISABLE_POST;
  process.env.PROJEN_DISABLE_POST = 'true';
  let error: unknown;
  try {
    build(dir).synth();
  } catch (e) {
    error = e;
  } finally {
    if (previous === undefined) delete process.env.PROJEN_DISABLE_POST;
    else process.env.PROJEN_DISABLE_POST = previous;
  }
  const after = tree(dir);
  fs.rmSync(dir, { recursive: true, force: true });
  return { error, before, after };
}


/**
 * Synthesize a project named `name`, expecting a ShipshapeError. Returns the error and the paths that the
 * failed synthesis created or changed (none are expected), for tests that assert on both.
 */
export function rejectedInEmptyDir(name: string, build: (project: Project) => void): { error: ShipshapeError; written: string[] } {
  const { error, before, after } = attempt((dir) => {
    const project = bareProject(dir, name);
    build(project);
    return project;
  }, {});
  const written = Object.keys(after).filter((f) => after[f] !== before[f]);
  return { error, written };
}
