import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Project } from 'projen';
import { Environment, Pipeline, Service, Shipshape } from '../src';
import type { ProjectModel } from '../src/model';
import { cacheable, templateInputs, withTemplateCache } from '../src/template-cache';

jest.setTimeout(120_000);

/** A real model, built by the constructs, so the test follows the model's shape. */
function model(region = 'eu-west-1', build: (p: Project) => void = () => undefined): ProjectModel {
  const p = new Project({ name: 'app', outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-model-')) });
  new Service(p, 'api');
  new Environment(p, 'prod', { account: '123456789012', region });
  build(p);
  const m = Shipshape.of(p).model();
  fs.rmSync(p.outdir, { recursive: true, force: true });
  return m;
}

describe('template cache', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-cache-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const build = () => jest.fn(() => new Map([['infra/prod.template.json', '{}\n']]));

  test('GIVEN nothing changed WHEN synthesizing again THEN the templates come from the cache', () => {
    const first = build();
    const second = build();
    withTemplateCache(model(), { projectDir: dir, validation: true }, first);
    const out = withTemplateCache(model(), { projectDir: dir, validation: true }, second);
    expect(first).toHaveBeenCalledTimes(1);
    expect(second).not.toHaveBeenCalled();
    expect(out.get('infra/prod.template.json')).toBe('{}\n');
    expect(fs.readdirSync(path.join(dir, 'node_modules/.cache/shipshape/templates'))).toHaveLength(1);
  });

  test('GIVEN an input that feeds a template changed THEN it is rebuilt', () => {
    withTemplateCache(model('eu-west-1'), { projectDir: dir, validation: true }, build());
    const again = build();
    withTemplateCache(model('us-east-1'), { projectDir: dir, validation: true }, again);
    expect(again).toHaveBeenCalledTimes(1);
  });

  test('GIVEN only the workflow or Dockerfile changed THEN templates are reused', () => {
    withTemplateCache(model(), { projectDir: dir, validation: true }, build());
    const again = build();
    withTemplateCache(model('eu-west-1', (p) => new Pipeline(p, 'ci')), { projectDir: dir, validation: true }, again);
    expect(again).not.toHaveBeenCalled();
    expect(templateInputs(model())).not.toHaveProperty('pipelines');
  });

  test('GIVEN templates cached without validation WHEN validation is on THEN they are rebuilt and validated', () => {
    withTemplateCache(model(), { projectDir: dir, validation: false }, build());
    const again = build();
    withTemplateCache(model(), { projectDir: dir, validation: true }, again);
    expect(again).toHaveBeenCalledTimes(1);
  });

  test('GIVEN a stack customization (a function) THEN the cache is bypassed, since its effect cannot be hashed', () => {
    const custom = model('eu-west-1', (p) => (p.node.tryFindChild('prod') as Environment).addStackCustomization(() => undefined));
    expect(cacheable(custom)).toBe(false);
    withTemplateCache(custom, { projectDir: dir, validation: true }, build());
    const again = build();
    withTemplateCache(custom, { projectDir: dir, validation: true }, again);
    expect(again).toHaveBeenCalledTimes(1);
  });

  test('a corrupt entry is a miss, and SHIPSHAPE_CACHE=off bypasses the cache', () => {
    withTemplateCache(model(), { projectDir: dir, validation: true }, build());
    const cacheDir = path.join(dir, 'node_modules/.cache/shipshape/templates');
    for (const f of fs.readdirSync(cacheDir)) fs.writeFileSync(path.join(cacheDir, f), '{"key": "tru');
    const again = build();
    withTemplateCache(model(), { projectDir: dir, validation: true }, again);
    expect(again).toHaveBeenCalledTimes(1);

    process.env.SHIPSHAPE_CACHE = 'off';
    try {
      const off = build();
      withTemplateCache(model(), { projectDir: dir, validation: true }, off);
      expect(off).toHaveBeenCalledTimes(1);
    } finally {
      delete process.env.SHIPSHAPE_CACHE;
    }
  });
});

test('aws-cdk-lib is loaded only when a template must be built', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-lazy-'));
  const run = () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'cache-child.ts'), dir], {
      encoding: 'utf8',
      env: { ...process.env, TSX_TSCONFIG_PATH: path.join(__dirname, 'tsconfig.json') },
    });
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout) as { awsCdkLibLoaded: boolean };
  };
  try {
    expect(run().awsCdkLibLoaded).toBe(true);
    expect(run().awsCdkLibLoaded).toBe(false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe('whole-synthesis cache', () => {
  const synth = (dir: string, port: number) => {
    process.env.PROJEN_DISABLE_POST = 'true';
    try {
      const p = new Project({ name: 'app', outdir: dir });
      Shipshape.configure(p, { cloudFormationValidation: false });
      new Service(p, 'api', { port });
      new Pipeline(p, 'ci');
      p.synth();
    } finally {
      delete process.env.PROJEN_DISABLE_POST;
    }
  };

  test('GIVEN nothing changed THEN the last passing synthesis is reused whole; GIVEN a change THEN everything is rendered again', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-outputs-'));
    try {
      synth(dir, 8080);
      const cacheDir = path.join(dir, 'node_modules/.cache/shipshape/outputs');
      const [entry] = fs.readdirSync(cacheDir);
      // Mark the cached workflow: a second run that serves it proves no rendering happened.
      const file = path.join(cacheDir, entry);
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('name: ci', 'name: ci-from-cache'));
      synth(dir, 8080);
      expect(fs.readFileSync(path.join(dir, '.github/workflows/ci.yml'), 'utf8')).toContain('name: ci-from-cache');
      synth(dir, 9090);
      expect(fs.readFileSync(path.join(dir, '.github/workflows/ci.yml'), 'utf8')).not.toContain('ci-from-cache');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
