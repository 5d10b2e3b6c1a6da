/** Security scans: on by default, each configurable and switchable off. */
import { parse } from 'yaml';
import { bareProject } from './util';
import { DockerImage, DockerPreset, Environment, Pipeline, PipelineProps, Service } from '../src';
import { synthSnapshot } from '../src/testing/synth';
import { cfnLintCommand } from '../src/validators/cfnlint';

function workflow(props: PipelineProps = {}): any {
  const files = synthSnapshot((outdir) => {
    const p = bareProject(outdir);
    new DockerImage(p, 'image', { service: new Service(p, 'api'), preset: DockerPreset.node() });
    new Environment(p, 'prod', { account: '123456789012', region: 'eu-west-1' });
    new Pipeline(p, 'ci', props);
    return p;
  });
  return parse(files['.github/workflows/ci.yml']);
}
const step = (job: any, prefix: string) => job.steps.find((s: any) => s.uses?.startsWith(`${prefix}@`));

describe('GIVEN the default scans', () => {
  const wf = workflow();

  test('THEN dependency review runs on pull requests only, failing on high severity', () => {
    expect(wf.jobs['dependency-review'].if).toBe("github.event_name == 'pull_request'");
    expect(step(wf.jobs['dependency-review'], 'actions/dependency-review-action').with).toEqual({ 'fail-on-severity': 'high' });
  });

  test('THEN the package manager audits the dependencies', () => {
    expect(wf.jobs.audit.steps.at(-1).run).toBe('npm audit --audit-level=high');
  });

  test('THEN CodeQL analyzes the toolchain language with write access to security events only', () => {
    expect(step(wf.jobs.codeql, 'github/codeql-action/init').with).toEqual({ 'languages': 'javascript-typescript', 'queries': 'security-extended', 'build-mode': 'none' });
    expect(step(wf.jobs.codeql, 'github/codeql-action/analyze')).toBeDefined();
    expect(wf.jobs.codeql.permissions).toEqual({ 'actions': 'read', 'contents': 'read', 'security-events': 'write' });
  });

  test('THEN Trivy scans the image and its SARIF goes to code scanning', () => {
    const trivy = step(wf.jobs.image, 'aquasecurity/trivy-action');
    expect(trivy.with).toMatchObject({ 'image-ref': 'api:ci', 'format': 'sarif', 'output': 'trivy-api.sarif', 'severity': 'CRITICAL,HIGH', 'exit-code': '1' });
    const upload = step(wf.jobs.image, 'github/codeql-action/upload-sarif');
    expect(upload.with.sarif_file).toBe('trivy-api.sarif');
    expect(upload.if).toContain('!cancelled()');
  });

  test('THEN the gitleaks CLI (no licence key) scans the whole history for secrets', () => {
    expect(wf.jobs.secrets.steps[0].with['fetch-depth']).toBe(0);
    expect(wf.jobs.secrets.steps.map((s: any) => s.uses ?? s.run)).toEqual([
      expect.stringMatching(/^actions\/checkout@/),
      expect.stringMatching(/^actions\/setup-go@/),
      'go install github.com/zricethezav/gitleaks/v8@v8.30.1',
      '"$(go env GOPATH)/bin/gitleaks" git --redact --no-banner --verbose --exit-code 1 .',
    ]);
    expect(JSON.stringify(wf.jobs.secrets)).not.toContain('GITLEAKS_LICENSE');
    expect(wf.jobs.secrets.permissions).toEqual({ contents: 'read' });
  });

  test('THEN cfn-lint checks every generated template', () => {
    // The same release the tests lint every template with (test/validate-outputs.test.ts), with cfn-lint's defaults.
    expect(wf.jobs.iac.steps.at(-1).run).toBe('pipx run cfn-lint==1.51.0 infra/*.template.json');
    expect(wf.jobs.iac.steps.at(-1).run).toBe(cfnLintCommand(['infra/*.template.json']));
  });
});

test('GIVEN every scan switched off THEN no scan job and no image scan remain', () => {
  const wf = workflow({ scans: { dependencyReview: false, audit: false, codeql: false, image: false, secrets: false, iac: false } });
  for (const id of ['dependency-review', 'audit', 'codeql', 'secrets', 'iac']) expect(wf.jobs[id]).toBeUndefined();
  expect(step(wf.jobs.image, 'aquasecurity/trivy-action')).toBeUndefined();
  expect(wf.jobs.image.permissions).toEqual({ contents: 'read' });
});

test('GIVEN configured scans THEN their settings reach the workflow', () => {
  const wf = workflow({
    scans: {
      dependencyReview: { failOnSeverity: 'critical' },
      audit: 'npm audit --omit=dev',
      codeql: { languages: ['javascript-typescript', 'actions'], queries: 'security-and-quality' },
      image: { severity: ['CRITICAL'], ignoreUnfixed: false },
      iac: { command: 'pipx run checkov -d infra' },
    },
  });
  expect(step(wf.jobs['dependency-review'], 'actions/dependency-review-action').with['fail-on-severity']).toBe('critical');
  expect(wf.jobs.audit.steps.at(-1).run).toBe('npm audit --omit=dev');
  expect(step(wf.jobs.codeql, 'github/codeql-action/init').with).toEqual({ languages: 'javascript-typescript,actions', queries: 'security-and-quality' });
  expect(step(wf.jobs.image, 'aquasecurity/trivy-action').with).toMatchObject({ 'severity': 'CRITICAL', 'ignore-unfixed': false });
  expect(wf.jobs.iac.steps.at(-1).run).toBe('pipx run checkov -d infra');
});
