/**
 * Issue 13, classes 1 and 8: a synthesis that cannot write one of its files writes none of them and records
 * nothing in the cache; a synthesis that fails while projen writes leaves the cache as it was; the thrown error
 * prints its problems once; a project synthesized twice is not a clash with itself.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inspect } from 'util';
import { Project } from 'projen';
import { DockerImage, DockerPreset, Environment, Pipeline, Service, Shipshape } from '../src';
import { tree } from './util';
import { ShipshapeError, describeValue } from '../src/core/errors';

/** The module object itself: the spies below must reach projen's and shipshape's own `fs` calls. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeFs = require('fs') as typeof fs;

jest.setTimeout(60_000);

/** A valid project with a Dockerfile, a workflow and a template; `port` is the change between two runs. */
function build(dir: string, port: number): Project {
  const p = new Project({ name: 'shop', outdir: dir });
  Shipshape.configure(p, { cloudFormationValidation: false });
  const api = new Service(p, 'api', { port });
  new DockerImage(p, 'image', { service: api, preset: DockerPreset.node() });
  new Environment(p, 'prod', { account: '123456789012', region: 'eu-west-1' });
  new Pipeline(p, 'ci');
  return p;
}

function synth(p: Project): unknown {
  process.env.PROJEN_DISABLE_POST = 'true';
  try {
    p.synth();
    return undefined;
  } catch (e) {
    return e;
  } finally {
    delete process.env.PROJEN_DISABLE_POST;
  }
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'shipshape-writes-'));
  expect(synth(build(dir, 8080))).toBeUndefined();
});
afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

const cacheFiles = () => Object.keys(tree(dir)).filter((f) => f.startsWith('node_modules/.cache/'));

test('GIVEN one generated file that cannot be made writable WHEN a valid change is synthesized THEN one ShipshapeError names it, no file changes and the cache records nothing', () => {
  const before = tree(dir);
  expect(cacheFiles().length).toBeGreaterThan(0);
  // What an immutable file (chattr +i) or a file owned by another user does to projen: no write, no chmod.
  const locked = path.join(dir, 'Dockerfile');
  const realAccess = fs.accessSync;
  const realChmod = fs.chmodSync;
  jest.spyOn(nodeFs, 'accessSync').mockImplementation((p, mode) => {
    if (p === locked) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
    return realAccess(p, mode);
  });
  jest.spyOn(nodeFs, 'chmodSync').mockImplementation((p, mode) => {
    if (p === locked) throw Object.assign(new Error('EPERM'), { code: 'EPERM' });
    return realChmod(p, mode);
  });
  const error = synth(build(dir, 9090));
  expect(error).toBeInstanceOf(ShipshapeError);
  expect((error as ShipshapeError).problems.map((p) => [p.code, p.path, p.got])).toEqual([['SS-FILE-UNWRITABLE', 'shop/image', "'Dockerfile'"]]);
  expect((error as ShipshapeError).problems[0].hint).toContain('chattr -i Dockerfile');
  expect(tree(dir)).toEqual(before);
});

test('GIVEN an immutable generated file (chattr +i, where the kernel allows it) THEN the same: one ShipshapeError, nothing written', () => {
  const locked = path.join(dir, 'infra', 'prod.template.json');
  if (spawnSync('chattr', ['+i', locked]).status !== 0) return; // No CAP_LINUX_IMMUTABLE here: the stubbed test above covers it.
  try {
    const before = tree(dir);
    const error = synth(build(dir, 9090));
    expect(error).toBeInstanceOf(ShipshapeError);
    expect((error as ShipshapeError).problems.map((p) => [p.code, p.path, p.got])).toEqual([['SS-FILE-UNWRITABLE', 'shop/prod', "'infra/prod.template.json'"]]);
    expect(tree(dir)).toEqual(before);
  } finally {
    spawnSync('chattr', ['-i', locked]);
  }
});

test('GIVEN projen fails while writing (after every check passed) THEN the cache does not record the run', () => {
  const before = cacheFiles();
  const realWrite = fs.writeFileSync;
  const failing = path.join(dir, '.github', 'workflows', 'ci.yml');
  jest.spyOn(nodeFs, 'writeFileSync').mockImplementation((file, data, options) => {
    if (file === failing) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    return realWrite(file, data, options);
  });
  const error = synth(build(dir, 9090));
  expect(String(error)).toContain('ENOSPC');
  expect(cacheFiles()).toEqual(before);
});

test('GIVEN a project WHEN synth() is called twice THEN the second run succeeds and writes the same files', () => {
  const p = build(dir, 9090);
  expect(synth(p)).toBeUndefined();
  const first = tree(dir);
  expect(synth(p)).toBeUndefined();
  expect(tree(dir)).toEqual(first);
});

test('GIVEN .projen/files.json left with merge-conflict markers THEN generated JSON files (no marker inside) are not taken for hand-written ones', () => {
  const manifest = path.join(dir, '.projen', 'files.json');
  const lines = fs.readFileSync(manifest, 'utf8').split('\n');
  fs.chmodSync(manifest, 0o644);
  fs.writeFileSync(manifest, ['<<<<<<< HEAD', ...lines, '=======', ...lines.filter((l) => !l.includes('.gitignore')), '>>>>>>> feature', ''].join('\n'));
  expect(synth(build(dir, 9090))).toBeUndefined();
  expect(fs.readFileSync(path.join(dir, 'infra', 'api-prod.template.json'), 'utf8')).toContain('9090');
});

test('the printed error lists its problems once', () => {
  const error = new ShipshapeError([{ code: 'SS-X', path: 'shop/api', property: 'port', got: '0', expected: '>= 1' }]);
  // Node prints an uncaught error with inspect(): the stack (holding the message), then its enumerable fields.
  expect(inspect(error).split('SS-X')).toHaveLength(2);
  expect(error.problems).toHaveLength(1);
});

test('a value shows its invisible and look-alike characters escaped, and keeps visible ones', () => {
  expect(describeValue('prod\u2010eu')).toBe("'prod\\u2010eu'");
  expect(describeValue('prod\u00a0eu\u200b')).toBe("'prod\\u00a0eu\\u200b'");
  expect(describeValue('60s \u00d7 5, caf\u00e9')).toBe("'60s \u00d7 5, caf\u00e9'");
});

test('a construct or project in a message is named by its kind and readable path, never its machine path', () => {
  const p = new Project({ name: 'shop', outdir: dir });
  const api = new Service(p, 'api');
  expect(describeValue(p)).toBe("a Project 'shop'");
  expect(describeValue(api)).toBe("a Service 'shop/api'");
  expect(describeValue({ service: api })).not.toMatch(/tmp|@/);
});
