/**
 * Every generated artifact, of the flagship example and of the fixtures, passes
 * the third-party validators. The engines are slow to start, so they are
 * gathered in this one file and created once.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { fixtures } from './fixtures';
import { createProject } from '../examples/node-api/.projenrc';
import { synthSnapshot } from '../src/testing/synth';
import { actionlint } from '../src/validators/actionlint';
import { CloudFormationValidator } from '../src/validators/cloudformation';
import { checkCompose } from '../src/validators/compose';
import { lintDockerfile } from '../src/validators/dockerfile';
import type { Finding } from '../src/validators/finding';
import { shellcheck, shellcheckWorkflow } from '../src/validators/shellcheck';
import { workflowParser } from '../src/validators/workflow-parser';
import { yamllint } from '../src/validators/yamllint';

jest.setTimeout(120_000);

const outputs: Array<[string, Record<string, string>]> = [
  ['examples/node-api', synthSnapshot((outdir) => createProject(outdir))],
  ...fixtures.map(([name, build]) => [name, synthSnapshot(build)] as [string, Record<string, string>]),
];

const cfn = new CloudFormationValidator();
afterAll(() => cfn.free());

const only = (files: Record<string, string>, re: RegExp) => Object.entries(files).filter(([f]) => re.test(f));
const blocking = (found: Finding[]) => found.filter((f) => f.severity !== 'info');

describe.each(outputs)('%s', (_name, files) => {
  test('has a workflow, a Dockerfile and templates to validate', () => {
    expect(only(files, /^\.github\/workflows\/.*\.yml$/).length).toBeGreaterThan(0);
  });

  test('regression guard: the generated files match the snapshot (behaviour is asserted elsewhere)', () => {
    // Templates are left out: they are large, validated above, and the flagship example's are committed.
    expect(Object.fromEntries(Object.entries(files).filter(([f]) => !f.endsWith('.template.json')))).toMatchSnapshot();
  });

  test('workflows pass actionlint', async () => {
    for (const [file, text] of only(files, /^\.github\/workflows\/.*\.yml$/)) {
      expect(await actionlint(text, file)).toEqual([]);
    }
  });

  test("workflows pass GitHub's workflow parser", () => {
    const wf = only(files, /^\.github\/workflows\/.*\.yml$/).map(([name, content]) => ({ name, content }));
    expect(workflowParser(wf)).toEqual([]);
  });

  test('every run: script of every workflow passes shellcheck', () => {
    for (const [file, text] of only(files, /^\.github\/workflows\/.*\.yml$/)) {
      expect(shellcheckWorkflow(text, file)).toEqual([]);
    }
  });

  test('every generated shell script (scripts/*.sh) passes shellcheck', () => {
    for (const [file, text] of only(files, /^scripts\/.*\.sh$/)) {
      expect(shellcheck(text, file)).toEqual([]);
    }
  });

  test('every generated YAML file passes yamllint', () => {
    for (const [file, text] of only(files, /^\.github\/.*\.ya?ml$/)) {
      expect(yamllint(text, file)).toEqual([]);
    }
  });

  test('Dockerfiles pass dockerfile-utils and the AST checks', () => {
    for (const [file, text] of only(files, /(^|\/)Dockerfile[^/]*$/)) {
      expect(blocking(lintDockerfile(text, file))).toEqual([]);
    }
  });

  test('compose files pass the structural checks', () => {
    for (const [file, text] of only(files, /(^|\/)docker-compose[^/]*\.ya?ml$/)) {
      expect(checkCompose(text, file)).toEqual([]);
    }
  });

  test('templates pass the CloudFormation validator with no errors or warnings', () => {
    for (const [file, text] of only(files, /\.template\.json$/)) {
      expect(blocking(cfn.validate(text, file))).toEqual([]);
    }
  });
});

describe('the flagship example', () => {
  const example = outputs[0][1];
  const root = path.join(__dirname, '..', 'examples', 'node-api');

  test('its committed output is up to date (run `npm run example` to refresh it)', () => {
    const stale = Object.keys(example).filter((f) => {
      const file = path.join(root, f);
      return !fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== example[f];
    });
    expect(stale).toEqual([]);
  });

  test('synthesis is byte-identical in another process, timezone and locale', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'determinism-child.ts')], {
      encoding: 'utf8',
      env: { ...process.env, TSX_TSCONFIG_PATH: path.join(__dirname, 'tsconfig.json'), TZ: 'Pacific/Chatham', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' },
      maxBuffer: 256 * 1024 * 1024,
    });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(example);
  });

  test('has a docker-compose.yml for the compose checks', () => {
    expect(Object.keys(example)).toContain('docker-compose.yml');
  });
});

describe('the validators can fail', () => {
  test('actionlint reports untrusted input in run:', async () => {
    const bad = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.event.issue.title }}\n';
    expect((await actionlint(bad, 'bad.yml')).length).toBeGreaterThan(0);
  });
  test('the workflow parser reports an unknown key', () => {
    const bad = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    stepz: []\n';
    expect(workflowParser([{ name: 'bad.yml', content: bad }]).length).toBeGreaterThan(0);
  });
  test('shellcheck reports an unquoted variable, with GitHub expressions blanked', () => {
    expect(shellcheck('echo ${{ github.sha }}\nrm -rf $DIR/x\n', 'bad').map((f) => f.rule)).toEqual(['SC2086']);
  });
  test('yamllint reports a yes/no truthy value and a one-space comment', () => {
    const rules = yamllint('on: push\nflag: yes\nx: 1 # c\n', 'bad.yml').map((f) => f.rule);
    expect(rules).toEqual(expect.arrayContaining(['truthy', 'comments']));
  });
  test('the Dockerfile checks report root, no healthcheck and an untagged base', () => {
    const rules = lintDockerfile('FROM node\nUSER root\nCMD ["node"]\n', 'Dockerfile').map((f) => f.rule);
    expect(rules).toEqual(expect.arrayContaining(['from-unpinned', 'final-root-user', 'final-no-healthcheck']));
  });
  test('the compose checks report latest, an unknown dependency and a unit-less interval', () => {
    const bad = 'services:\n  a:\n    image: redis:latest\n    depends_on:\n      b:\n        condition: service_healthy\n    healthcheck:\n      test: [CMD, "true"]\n      interval: "30"\n';
    expect(checkCompose(bad, 'docker-compose.yml').map((f) => f.rule)).toEqual(expect.arrayContaining(['image-latest', 'depends-on-unknown', 'duration']));
  });
  test('the CloudFormation validator reports a property typo', () => {
    const bad = JSON.stringify({ Resources: { T: { Type: 'AWS::SNS::Topic', Properties: { TopicNam: 'x' } } } });
    expect(blocking(cfn.validate(bad, 'bad.template.json')).length).toBeGreaterThan(0);
  });
});
