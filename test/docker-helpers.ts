import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Project } from 'projen';
import { Shipshape, ShipshapeError } from '../src';

/** Synthesize into an empty temp dir, expecting a ShipshapeError; return it and the files left on disk (none expected). */
export function synthError(build: (project: Project) => void): { error: ShipshapeError; written: string[] } {
  const outdir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'shipshape-bad-'));
  try {
    let error: unknown;
    try {
      const project = new Project({ name: 'bad', outdir });
      Shipshape.configure(project, { cloudFormationValidation: false });
      build(project);
      project.synth();
    } catch (e) {
      error = e;
    }
    if (!(error instanceof ShipshapeError)) throw new Error(`expected a ShipshapeError, got ${String(error)}`);
    return { error, written: fs.readdirSync(outdir) };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** A fresh project for model-level behaviour tests: never synthesized, so its outdir is never created. */
export function newProject(): Project {
  const project = new Project({ name: 'demo', outdir: path.join(os.tmpdir(), 'shipshape-never-synthesized') });
  Shipshape.configure(project, { cloudFormationValidation: false });
  return project;
}
