import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ProjectModel } from '../src/model';
import { templateInputs, withTemplateCache } from '../src/template-cache';

jest.setTimeout(120_000);

const model = (region = 'eu-west-1'): ProjectModel => ({
  name: 'app',
  header: ['h'],
  services: [{ path: 'app/api', name: 'api', port: 8080, healthPath: '/healthz', cpu: 256, memoryMiB: 512 }],
  environments: [{ path: 'app/prod', name: 'prod', account: '123456789012', region, logRetentionDays: 30, strategy: { kind: 'rolling' }, order: 0 }],
  images: [],
  pipelines: [],
});

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
    withTemplateCache({ ...model(), header: ['other'], pipelines: [{ path: 'p', filePath: 'x', workflow: { name: 'x', on: {}, permissions: {}, jobs: [] }, pins: {} }] },
      { projectDir: dir, validation: true }, again);
    expect(again).not.toHaveBeenCalled();
    expect(templateInputs(model())).not.toHaveProperty('pipelines');
  });

  test('GIVEN templates cached without validation WHEN validation is on THEN they are rebuilt and validated', () => {
    withTemplateCache(model(), { projectDir: dir, validation: false }, build());
    const again = build();
    withTemplateCache(model(), { projectDir: dir, validation: true }, again);
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
