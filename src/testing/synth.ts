import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Project } from 'projen';

/** The generated files of one synthesis, keyed by path relative to the project root. */
export type SynthOutput = Record<string, string>;

/**
 * Synthesize a project into a fresh temporary directory and return its generated
 * files. The factory receives the directory to use as `outdir`; the directory is
 * removed afterwards. The caller's working directory is never touched, unlike
 * projen's `Testing.synth`, which deletes the project's outdir.
 *
 * ```ts
 * const files = synthSnapshot((outdir) => createProject(outdir));
 * expect(files['Dockerfile']).toContain('USER 1000:1000');
 * ```
 */
export function synthSnapshot(factory: (outdir: string) => Project): SynthOutput {
  const outdir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'shipshape-synth-'));
  const previous = process.env.PROJEN_DISABLE_POST;
  process.env.PROJEN_DISABLE_POST = 'true';
  try {
    const project = factory(outdir);
    if (path.resolve(project.outdir) !== outdir) {
      throw new Error(`synthSnapshot: the factory must create the project in the outdir it is given (${outdir}), not in ${project.outdir}`);
    }
    project.synth();
    return readGenerated(outdir);
  } finally {
    if (previous === undefined) delete process.env.PROJEN_DISABLE_POST;
    else process.env.PROJEN_DISABLE_POST = previous;
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Read every file projen lists as generated in `dir`, plus the manifest itself. */
export function readGenerated(dir: string): SynthOutput {
  const manifest = path.join(dir, '.projen', 'files.json');
  const files = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { files: string[] }).files;
  const out: SynthOutput = {};
  for (const f of [...files, '.projen/files.json'].sort()) {
    const abs = path.join(dir, f);
    if (fs.existsSync(abs)) out[f] = fs.readFileSync(abs, 'utf8');
  }
  return out;
}
