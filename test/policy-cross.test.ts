/**
 * The cross-artifact rules: what no single linter sees. Each rule is shown passing on the flagship
 * example's committed output, and failing on a copy where one file was edited by hand.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DeploymentStrategy, DockerImage, DockerPreset, Environment, Pipeline, Service, Shipshape } from '../src';
import { bareProject, expectRejected } from './util';
import { collectFiles } from '../src/cli/validate';
import { FILE_POLICY_RULES, crossFindings } from '../src/policy/cross-artifact';
import { synthSnapshot } from '../src/testing/synth';

const EXAMPLE = path.join(__dirname, '..', 'examples', 'node-api');
const files = collectFiles(EXAMPLE).map((name) => ({ name, content: fs.readFileSync(path.join(EXAMPLE, name), 'utf8') }));

/** The example's files with one file's text changed. */
function tampered(file: string, edit: (text: string) => string) {
  const original = files.find((f) => f.name === file);
  if (!original) throw new Error(`no ${file} in the example`);
  const changed = edit(original.content);
  expect(changed).not.toBe(original.content);
  return files.map((f) => (f.name === file ? { name: file, content: changed } : f));
}

const rule = (id: string) => FILE_POLICY_RULES.find((r) => r.id === id)!;

test('the flagship example satisfies every cross-artifact rule', () => {
  expect(files.map((f) => f.name)).toEqual(expect.arrayContaining(['Dockerfile', 'docker-compose.yml', '.github/rulesets/main.json', 'infra/api-prod.template.json']));
  expect(crossFindings(files)).toEqual([]);
});

describe('SS-X-HEALTH: health path and port agree everywhere', () => {
  test('GIVEN the Dockerfile exposes another port THEN the mismatch is named', () => {
    const found = rule('SS-X-HEALTH').check(tampered('Dockerfile', (t) => t.replace('EXPOSE 8080', 'EXPOSE 8081')));
    expect(found).toContainEqual({
      file: 'Dockerfile', property: 'api: EXPOSE (port)', got: '8081', expected: expect.stringMatching(/^8080, as in /),
    });
  });

  test('GIVEN a template probes another health path THEN the mismatch is named', () => {
    const found = rule('SS-X-HEALTH').check(tampered('infra/api-prod.template.json', (t) => t.replace('"HealthCheckPath": "/healthz"', '"HealthCheckPath": "/health"')));
    expect(found).toContainEqual(expect.objectContaining({ file: 'infra/api-prod.template.json', property: 'api: target group health check (path)', got: "'/health'" }));
    expect(found.every((f) => f.file === 'infra/api-prod.template.json')).toBe(true);
  });

  test('GIVEN the smoke test reads another path THEN the mismatch is named', () => {
    const found = rule('SS-X-HEALTH').check(tampered('.github/workflows/ci.yml', (t) => t.replace(/HEALTH_PATH: \/healthz/g, 'HEALTH_PATH: /status')));
    expect(found).toContainEqual(expect.objectContaining({ file: '.github/workflows/ci.yml', property: 'api: smoke test (path)', got: "'/status'" }));
  });
});

test('SS-X-REQUIRED-CHECKS: GIVEN the ruleset requires a check no job reports THEN it is named', () => {
  const found = rule('SS-X-REQUIRED-CHECKS').check(tampered('.github/rulesets/main.json', (t) => t.replace('"context": "lint"', '"context": "e2e"')));
  expect(found).toEqual([expect.objectContaining({ file: '.github/rulesets/main.json', property: 'required_status_checks.context', got: "'e2e'" })]);
  expect(found[0].expected).toMatch(/^a job that runs on pull requests \(.*lint.*\)$/);
});

test('SS-X-OIDC-SUBJECT: GIVEN a deploy job declares another environment than its role trusts THEN it is named', () => {
  const found = rule('SS-X-OIDC-SUBJECT').check(tampered('.github/workflows/ci.yml', (t) => t.replace(/environment:\n {6}name: staging/, 'environment:\n      name: prod')));
  expect(found).toEqual([expect.objectContaining({
    file: '.github/workflows/ci.yml', property: 'jobs.deploy-staging.environment', got: "'prod'", expected: expect.stringMatching(/^'staging', the environment .*staging-deploy trusts$/),
  })]);
});

describe('SS-X-OIDC-SUBJECT: the role trusts, the subject template and the workflow agree', () => {
  test('GIVEN the example as committed THEN nothing is found', () => {
    expect(rule('SS-X-OIDC-SUBJECT').check(files)).toEqual([]);
  });

  test('GIVEN no subject template (GitHub\'s default subject) THEN every trust that names the ref is named', () => {
    const found = rule('SS-X-OIDC-SUBJECT').check(files.filter((f) => f.name !== '.github/oidc-subject.json'));
    expect(found.length).toBeGreaterThan(0);
    expect(found).toContainEqual(expect.objectContaining({
      file: 'infra/bootstrap-333333333333.template.json',
      got: "'repo:example-org/node-api:environment:prod:ref:refs/heads/main'",
      expected: expect.stringContaining("GitHub's default, no .github/oidc-subject.json"),
    }));
  });

  test('GIVEN a trust without the ref under the repo+context+ref template THEN it is named', () => {
    const found = rule('SS-X-OIDC-SUBJECT').check(tampered('infra/bootstrap-333333333333.template.json', (t) => t.replace(':environment:prod:ref:refs/heads/main"', ':environment:prod"')));
    expect(found).toEqual([expect.objectContaining({ file: 'infra/bootstrap-333333333333.template.json', got: "'repo:example-org/node-api:environment:prod'" })]);
  });

  test('GIVEN a deploy job that may run on any branch THEN it is named', () => {
    const found = rule('SS-X-OIDC-SUBJECT').check(tampered('.github/workflows/ci.yml', (t) => t.replace(/(deploy-prod:\n(?: {4}.*\n)*? {4}if: )[^\n]+/, "$1github.event_name != 'pull_request'")));
    expect(found).toEqual([expect.objectContaining({ file: '.github/workflows/ci.yml', property: 'jobs.deploy-prod.if', expected: expect.stringContaining("github.ref == 'refs/heads/main'") })]);
  });
});

test('SS-X-ROLLBACK-ALARMS: GIVEN a deployment alarm that does not exist THEN it is named', () => {
  const found = rule('SS-X-ROLLBACK-ALARMS').check(tampered('infra/api-prod.template.json', (t) => t.replace(/"AlarmName": "api-prod-http-5xx-rate"/, '"AlarmName": "api-prod-renamed"')));
  expect(found).toEqual([expect.objectContaining({ file: 'infra/api-prod.template.json', got: "'api-prod-http-5xx-rate'", expected: 'the name of an AWS::CloudWatch::Alarm in this template' })]);
});

test('SS-X-IMAGE-TAG: GIVEN the deploy does not pass ImageTag THEN it is named', () => {
  const found = rule('SS-X-IMAGE-TAG').check(tampered('.github/workflows/ci.yml', (t) => t.replace('"ImageTag=$IMAGE_TAG"', '"Other=$IMAGE_TAG"')));
  expect(found).toEqual([{
    file: '.github/workflows/ci.yml',
    property: 'jobs.deploy-dev.steps.deploy-api',
    got: 'a deploy without ImageTag',
    expected: 'a deploy of infra/api-dev.template.json that passes ImageTag=<image tag> in --parameter-overrides',
  }]);
});

test('at synthesis, a cross-artifact violation made through an escape hatch stops synthesis and names the construct', () => {
  const err = expectRejected((outdir) => {
    const p = bareProject(outdir, 'shop');
    Shipshape.configure(p, { repository: 'acme/shop' });
    const api = new Service(p, 'api');
    new DockerImage(p, 'image', { service: api, preset: DockerPreset.node() });
    new Environment(p, 'prod', { account: '123456789012', region: 'eu-west-1', domain: { name: 'shop.example.com', hostedZoneId: 'ZSHOP' }, strategy: DeploymentStrategy.rolling() });
    const ci = new Pipeline(p, 'ci');
    ci.patchStep('deploy-prod', 'verify-api', { env: { BASE_URL: 'https://shop.example.com', HEALTH_PATH: '/status' } });
    return p;
  });
  expect(err.code).toBe('SS-X-HEALTH');
  expect(err.path).toBe('shop/ci');
  expect(err.message).toContain("[shop/ci] api: smoke test (path): must be '/healthz', as in Dockerfile (HEALTHCHECK) (got '/status') [SS-X-HEALTH]");
});

describe('single-artifact rules over workflows and templates', () => {
  test('SS-WF-PINNED: GIVEN an action on a tag THEN it is named', () => {
    const found = rule('SS-WF-PINNED').check(tampered('.github/workflows/ci.yml', (t) => t.replace(/actions\/checkout@[0-9a-f]{40}/, 'actions/checkout@v7')));
    expect(found).toEqual([expect.objectContaining({ file: '.github/workflows/ci.yml', got: "'actions/checkout@v7'" })]);
  });

  test('SS-WF-PERMISSIONS: GIVEN write-all at workflow level THEN it is named', () => {
    const found = rule('SS-WF-PERMISSIONS').check(tampered('.github/workflows/ci.yml', (t) => t.replace(/^permissions: \{\}$/m, 'permissions: write-all')));
    expect(found).toEqual([{ file: '.github/workflows/ci.yml', property: 'permissions', got: '"write-all"', expected: '{} or read-only permissions at workflow level' }]);
  });

  test('SS-WF-TIMEOUT: GIVEN a job without a timeout THEN it is named', () => {
    const found = rule('SS-WF-TIMEOUT').check(tampered('.github/workflows/ci.yml', (t) => t.replace(/\n {4}timeout-minutes: \d+/, '')));
    expect(found).toHaveLength(1);
    expect(found[0].property).toMatch(/^jobs\.[\w-]+\.timeout-minutes$/);
  });

  test('SS-CFN-PLAIN-DEPLOY: GIVEN a CDK bootstrap version check THEN it is named', () => {
    const found = rule('SS-CFN-PLAIN-DEPLOY').check(tampered('infra/api-prod.template.json', (t) => t.replace('"Parameters": {', '"Parameters": {\n  "BootstrapVersion": { "Type": "AWS::SSM::Parameter::Value<String>" },')));
    expect(found).toEqual([{ file: 'infra/api-prod.template.json', property: 'Parameters.BootstrapVersion', got: 'present', expected: 'no CDK bootstrap version check' }]);
  });
});

test('SS-BOOTSTRAP-MISSING: GIVEN a project that deploys without a repository THEN synthesis warns, and a repository silences it', () => {
  const build = (repository?: string) => (outdir: string) => {
    const p = bareProject(outdir, 'shop');
    if (repository) Shipshape.configure(p, { repository });
    const api = new Service(p, 'api');
    new DockerImage(p, 'image', { service: api, preset: DockerPreset.node() });
    new Environment(p, 'prod', { account: '123456789012', region: 'eu-west-1' });
    new Pipeline(p, 'ci');
    return p;
  };
  const findingsOf = (repository?: string) => {
    let ids: string[] = [];
    synthSnapshot((outdir) => {
      const p = build(repository)(outdir);
      const root = Shipshape.of(p);
      const pre = root.preSynthesize.bind(root);
      root.preSynthesize = () => { pre(); ids = root.policyFindings.map((f) => f.rule.id); };
      return p;
    });
    return ids;
  };
  expect(findingsOf()).toContain('SS-BOOTSTRAP-MISSING');
  expect(findingsOf('acme/shop')).not.toContain('SS-BOOTSTRAP-MISSING');
});
