import * as os from 'os';
import * as path from 'path';
import { Project } from 'projen';
import { Shipshape, ShipshapeError } from '../src';
import { rejectedInEmptyDir } from './util';

/** Synthesize, expecting a ShipshapeError; return it and the files the failed synthesis wrote (none expected). */
export function synthError(build: (project: Project) => void): { error: ShipshapeError; written: string[] } {
  return rejectedInEmptyDir('bad', build);
}

/** A fresh project for model-level behaviour tests: never synthesized, so its outdir is never created. */
export function newProject(): Project {
  const project = new Project({ name: 'demo', outdir: path.join(os.tmpdir(), 'shipshape-never-synthesized') });
  Shipshape.configure(project, { cloudFormationValidation: false });
  return project;
}
