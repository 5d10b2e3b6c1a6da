/**
 * `shipshape import copilot`: an AWS Copilot application (`copilot/` manifests) → a `.projenrc.ts` that declares it
 * with shipshape's constructs, and a report of where each field went. Data flows one way: manifests (read and
 * checked, `manifest.ts`) → the import plan (`plan.ts`) → the generated text (`generate.ts`) → files (`writeImport`,
 * all or nothing). `importCopilot` only reads; `writeImport` only writes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { FEATURES, REPORT_FILE, generateProjenrc, generateReport } from './generate';
import {
  EnvironmentManifest, LoadedManifest, MANIFEST_CODE, PipelineManifest, WorkloadManifest, environmentSchema, loadManifest, parseYaml, pipelineSchema,
  workloadSchema, workspaceSchema,
} from './manifest';
import { ImportOptions, ImportPlan, planFromManifests } from './plan';
import { Problem, ShipshapeError, problem } from '../../core/errors';
import { NAME_PATTERN, NAME_RULE } from '../../core/names';

export type { ImportPlan, ImportOptions, ReportEntry, PlanWorkload, PlanEnvironment, PlanPipeline, PlanEnvValue, PlanScaling } from './plan';
export { FEATURES, REPORT_FILE } from './generate';
export { translateSchedule } from './schedule';

/** What an import produces: the two files' text and the plan they were generated from. */
export interface ImportResult {
  /** The generated `.projenrc.ts`. */
  readonly projenrc: string;
  /** The report, `COPILOT-IMPORT.md` (markdown). */
  readonly report: string;
  /** The intermediate model, for assertions. */
  readonly plan: ImportPlan;
}

function listDirs(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort();
}

/**
 * Read the Copilot application in `appDir` (its `copilot/` folder) and generate the shipshape project that declares
 * it. Throws a ShipshapeError listing every problem of every manifest (code SS-COPILOT-MANIFEST, path
 * `copilot/<name>/manifest.yml:<line>`, property the field); writes nothing.
 */
export function importCopilot(appDir: string, options: ImportOptions = {}): ImportResult {
  const root = path.resolve(appDir);
  const copilot = path.join(root, 'copilot');
  const rel = (abs: string) => path.relative(root, abs).split(path.sep).join('/');
  const problems: Problem[] = [];
  if (!fs.existsSync(copilot) || !fs.statSync(copilot).isDirectory()) {
    throw new ShipshapeError([problem(MANIFEST_CODE, rel(copilot) || 'copilot', '(directory)', 'nothing', 'a copilot/ folder with the application\'s manifests (run the import in the directory that holds copilot/)')]);
  }

  // .workspace: the application's name.
  let app = path.basename(root).toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  const workspace = path.join(copilot, '.workspace');
  if (fs.existsSync(workspace)) {
    const loaded = loadManifest(rel(workspace), fs.readFileSync(workspace, 'utf8'), workspaceSchema);
    if (loaded.ok) app = loaded.manifest.data.application;
    else problems.push(...loaded.problems);
  } else {
    problems.push(problem(MANIFEST_CODE, rel(workspace), '(file)', 'nothing', "copilot/.workspace with the application's name ('application: <name>'), as `copilot app init` writes it"));
  }

  const workloads: LoadedManifest<WorkloadManifest>[] = [];
  const environments: LoadedManifest<EnvironmentManifest>[] = [];
  const pipelines: LoadedManifest<PipelineManifest>[] = [];
  const addons: string[] = [];
  const load = <T>(file: string, schema: Parameters<typeof loadManifest<T>>[2], into: LoadedManifest<T>[]) => {
    const loaded = loadManifest(rel(file), fs.readFileSync(file, 'utf8'), schema);
    if (loaded.ok) into.push(loaded.manifest);
    else problems.push(...loaded.problems);
  };

  for (const name of listDirs(copilot)) {
    const dir = path.join(copilot, name);
    if (name === 'environments') {
      for (const env of listDirs(dir)) {
        const file = path.join(dir, env, 'manifest.yml');
        if (env === 'addons') addons.push(...listFiles(path.join(dir, env)).map((f) => rel(path.join(dir, env, f))));
        else if (fs.existsSync(file)) load(file, environmentSchema, environments);
      }
    } else if (name === 'pipelines') {
      for (const p of listDirs(dir)) {
        const file = path.join(dir, p, 'manifest.yml');
        if (fs.existsSync(file)) load(file, pipelineSchema, pipelines);
      }
    } else {
      const file = path.join(dir, 'manifest.yml');
      if (fs.existsSync(file)) {
        // A manifest whose type is not a workload's is named as such (an environment manifest in the wrong folder).
        const parsed = parseYaml(rel(file), fs.readFileSync(file, 'utf8'));
        const type = parsed.ok ? (parsed.data as { type?: unknown } | null)?.type : undefined;
        if (type === 'Environment') load(file, environmentSchema, environments);
        else load(file, workloadSchema, workloads);
      }
      addons.push(...listFiles(path.join(dir, 'addons')).map((f) => rel(path.join(dir, 'addons', f))));
    }
  }
  // The legacy single pipeline file.
  const legacy = path.join(copilot, 'pipeline.yml');
  if (fs.existsSync(legacy)) load(legacy, pipelineSchema, pipelines);

  // Names shipshape can use, each once.
  const seen = new Map<string, string>();
  const checkName = (m: LoadedManifest<{ name: string }>, what: string) => {
    const name = m.data.name;
    if (!NAME_PATTERN.test(name) || (what === 'workload' && name.length < 2)) {
      problems.push(problem(MANIFEST_CODE, `${m.file}:${m.line(['name'])}`, 'name', name, `${NAME_RULE}${what === 'workload' ? ' (at least 2 characters)' : ''}: shipshape names stacks, images and environments with it`));
    }
    const key = `${what}:${name}`;
    if (seen.has(key)) problems.push(problem(MANIFEST_CODE, `${m.file}:${m.line(['name'])}`, 'name', name, `a ${what} name no other manifest uses (${seen.get(key)} has it)`));
    seen.set(key, m.file);
  };
  for (const w of workloads) checkName(w, 'workload');
  for (const e of environments) checkName(e, 'environment');
  if (!NAME_PATTERN.test(app)) {
    problems.push(problem(MANIFEST_CODE, `${rel(workspace)}:1`, 'application', app, `${NAME_RULE}: it names the projen project`));
  }

  if (problems.length > 0) throw new ShipshapeError(problems);
  const { plan, problems: planProblems } = planFromManifests({
    app,
    workloads,
    environments,
    pipelines,
    addons,
    exists: (file) => fs.existsSync(path.join(root, file)),
    // projen's marker: a file shipshape generated in an earlier synthesis is not the user's.
    handWritten: (file) => fs.existsSync(path.join(root, file)) && !fs.readFileSync(path.join(root, file), 'utf8').includes('~~ Generated by projen'),
  }, options, FEATURES);
  if (planProblems.length > 0) throw new ShipshapeError(planProblems);
  return { projenrc: generateProjenrc(plan), report: generateReport(plan), plan };
}

/** Options of {@link writeImport}. */
export interface WriteImportOptions {
  /** Where to write the project file. @default '<dir>/.projenrc.ts' */
  readonly out?: string;
  /** Overwrite an existing project file or report. @default false */
  readonly force?: boolean;
}

/**
 * Write the import's two files, `.projenrc.ts` (or `out`) and `COPILOT-IMPORT.md`, both or neither. Refuses
 * (ShipshapeError SS-COPILOT-EXISTS, nothing written) when either exists, unless `force`. The paths written.
 */
export function writeImport(dir: string, result: ImportResult, options: WriteImportOptions = {}): string[] {
  const root = path.resolve(dir);
  const targets: [string, string][] = [
    [path.resolve(root, options.out ?? '.projenrc.ts'), result.projenrc],
    [path.join(root, REPORT_FILE), result.report],
  ];
  if (!options.force) {
    const existing = targets.filter(([file]) => fs.existsSync(file));
    if (existing.length > 0) {
      throw new ShipshapeError(existing.map(([file]) => problem('SS-COPILOT-EXISTS', path.relative(process.cwd(), file) || file, '(file)', 'an existing file',
        'a path with no file: the import never overwrites one', 'Move it away, choose another --out, or pass --force to overwrite it.')));
    }
  }
  // Write each beside its target first; only then move both into place, so a failure leaves neither half-written.
  const staged: [string, string][] = [];
  try {
    for (const [file, text] of targets) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const tmp = `${file}.shipshape-import-${process.pid}.tmp`;
      fs.writeFileSync(tmp, text);
      staged.push([tmp, file]);
    }
  } catch (e) {
    for (const [tmp] of staged) fs.rmSync(tmp, { force: true });
    throw e;
  }
  for (const [tmp, file] of staged) fs.renameSync(tmp, file);
  return targets.map(([file]) => file);
}
