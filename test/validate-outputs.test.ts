/**
 * Every generated artifact, of the flagship example and of the fixtures, passes
 * the third-party validators. The engines are slow to start, so they are
 * gathered in this one file and created once.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { fixtures } from './fixtures';
import { createProject } from '../examples/node-api/.projenrc';
import { createProject as createShop } from '../examples/shop/.projenrc';
import { synthSnapshot } from '../src/testing/synth';
import { actionlint } from '../src/validators/actionlint';
import { CFN_LINT_INSTALL, CFN_LINT_VERSION, cfnLint, cfnLintVersion } from '../src/validators/cfnlint';
import { CloudFormationValidator } from '../src/validators/cloudformation';
import { checkCompose } from '../src/validators/compose';
import { lintDockerfile } from '../src/validators/dockerfile';
import type { Finding } from '../src/validators/finding';
import { shellcheck, shellcheckWorkflow } from '../src/validators/shellcheck';
import { workflowParser } from '../src/validators/workflow-parser';
import { yamllint } from '../src/validators/yamllint';

jest.setTimeout(120_000);

/**
 * The shop's hand-written files that synthesis reads (each workload's package manifest and lockfile: its toolchain
 * and its Dependabot entry follow them), copied into `outdir`, as in the repository.
 */
function withShopSources(outdir: string): string {
  const root = path.join(__dirname, '..', 'examples', 'shop');
  const manifests = ['package.json', 'package-lock.json', 'pnpm-lock.yaml'];
  for (const dir of ['.', ...fs.readdirSync(path.join(root, 'services')).map((w) => `services/${w}`)]) {
    for (const f of manifests.filter((m) => fs.existsSync(path.join(root, dir, m)))) {
      fs.mkdirSync(path.join(outdir, dir), { recursive: true });
      fs.copyFileSync(path.join(root, dir, f), path.join(outdir, dir, f));
    }
  }
  return outdir;
}

const outputs: Array<[string, Record<string, string>]> = [
  ['examples/node-api', synthSnapshot((outdir) => createProject(outdir))],
  ['examples/shop', synthSnapshot((outdir) => createShop(withShopSources(outdir)))],
  ...fixtures.map(([name, build]) => [name, synthSnapshot(build)] as [string, Record<string, string>]),
];

const cfn = new CloudFormationValidator();
afterAll(() => cfn.free());

/** cfn-lint is a Python program: without it on PATH its tests are skipped, under a name that says why (`.ci/run` requires it). */
const cfnLintInstalled = cfnLintVersion();
const withCfnLint = (name: string, fn: () => void) => (cfnLintInstalled ? test : test.skip)(
  cfnLintInstalled ? name : `${name} (SKIPPED: cfn-lint is not on PATH; ${CFN_LINT_INSTALL})`, fn,
);
/** cfn-lint takes seconds to start: every template of every output is linted in one run, on first use. */
let cfnLintFindings: Finding[] | undefined;
function cfnLintOf(output: string): Finding[] {
  cfnLintFindings ??= cfnLint(outputs.flatMap(([name, files]) => only(files, /\.template\.json$/).map(([f, content]) => ({ name: `${name}/${f}`, content }))));
  return cfnLintFindings.filter((f) => f.file.startsWith(`${output}/`));
}

const only = (files: Record<string, string>, re: RegExp) => Object.entries(files).filter(([f]) => re.test(f));
const blocking = (found: Finding[]) => found.filter((f) => f.severity !== 'info');

describe.each(outputs)('%s', (outputName, files) => {
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

  withCfnLint('templates pass cfn-lint with no errors or warnings (the generated iac job runs the same release)', () => {
    expect(blocking(cfnLintOf(outputName))).toEqual([]);
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

  test('has bootstrap and environment templates for cfn-lint and the CloudFormation validator', () => {
    expect(Object.keys(example).filter((f) => f.endsWith('.template.json'))).toEqual(expect.arrayContaining([
      'infra/bootstrap-111111111111.template.json', 'infra/dev.template.json', 'infra/staging.template.json', 'infra/prod.template.json',
    ]));
  });

  withCfnLint('its iac job, run with the installed cfn-lint in the example, passes and lints the bootstrap templates too', () => {
    const run: string = parse(example['.github/workflows/ci.yml']).jobs.iac.steps.at(-1).run;
    expect(run.startsWith(`pipx run cfn-lint==${CFN_LINT_VERSION} `)).toBe(true);
    const args = run.slice(`pipx run cfn-lint==${CFN_LINT_VERSION} `.length);
    const listed = spawnSync('bash', ['-c', `cfn-lint --list-templates ${args}`], { cwd: root, encoding: 'utf8' });
    expect(listed.stdout.split('\n').filter(Boolean).sort()).toEqual(Object.keys(example).filter((f) => f.endsWith('.template.json')).sort());
    const r = spawnSync('bash', ['-c', `cfn-lint ${args}`], { cwd: root, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  test('.ci/run requires the cfn-lint release the tests and the iac job use', () => {
    expect(fs.readFileSync(path.join(__dirname, '..', '.ci', 'run'), 'utf8')).toContain(`cfn_lint_version=${CFN_LINT_VERSION}\n`);
  });

  test('has a docker-compose.yml for the compose checks', () => {
    expect(Object.keys(example)).toContain('docker-compose.yml');
  });
});

describe('the application example (examples/shop)', () => {
  const example = outputs[1][1];
  const root = path.join(__dirname, '..', 'examples', 'shop');

  test('its committed output is up to date (run `npm run example:shop` to refresh it)', () => {
    const stale = Object.keys(example).filter((f) => {
      const file = path.join(root, f);
      return !fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== example[f];
    });
    expect(stale).toEqual([]);
  });

  test('one environment stack per environment and one stack per workload; a Dockerfile and a Dependabot entry per directory', () => {
    const stacks = Object.keys(example).filter((f) => /^infra\/(?!bootstrap).*\.template\.json$/.test(f)).sort();
    expect(stacks).toEqual(['api', 'billing', 'nightly', 'prod', 'staging', 'web'].flatMap((w) => (['prod', 'staging'].includes(w)
      ? [`infra/${w}.template.json`] : [`infra/${w}-prod.template.json`, `infra/${w}-staging.template.json`])).sort());
    for (const w of ['web', 'api', 'billing', 'nightly']) expect(Object.keys(example)).toContain(`services/${w}/Dockerfile`);
    const directories = parse(example['.github/dependabot.yml']).updates.map((u: { directory: string }) => u.directory);
    for (const w of ['web', 'api', 'billing', 'nightly']) expect(directories).toContain(`/services/${w}`);
    // Every directory Dependabot is pointed at holds the manifest it updates.
    for (const d of directories) expect([d, fs.existsSync(path.join(root, d, 'package.json'))]).toEqual([d, true]);
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
  withCfnLint(`the installed cfn-lint is the release the iac job pins (${CFN_LINT_VERSION})`, () => {
    expect(cfnLintInstalled).toBe(CFN_LINT_VERSION);
  });
  withCfnLint("cfn-lint reports a property typo, and W3691 for PostgreSQL '17' (a major version alone)", () => {
    const resources = {
      T: { Type: 'AWS::SNS::Topic', Properties: { TopicNam: 'x' } },
      Db: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'postgres', EngineVersion: '17', DBInstanceClass: 'db.t4g.micro', AllocatedStorage: '20', MasterUsername: 'app', ManageMasterUserPassword: true } },
    };
    const found = cfnLint([{ name: 'infra/bad.template.json', content: JSON.stringify({ Resources: resources }, null, 1) }]);
    expect(found.map((f) => [f.file, f.rule, f.severity])).toEqual(expect.arrayContaining([
      ['infra/bad.template.json', 'E3002', 'error'],
      ['infra/bad.template.json', 'W3691', 'warning'],
    ]));
  });
  test('the CloudFormation validator reports a property typo', () => {
    const bad = JSON.stringify({ Resources: { T: { Type: 'AWS::SNS::Topic', Properties: { TopicNam: 'x' } } } });
    expect(blocking(cfn.validate(bad, 'bad.template.json')).length).toBeGreaterThan(0);
  });
});
