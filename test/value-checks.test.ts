/**
 * Issue 13, classes 4-6: plain secrets anywhere in the model, values checked or escaped where they land, and
 * cross-references between constructs. The catalogue (test/catalogue-cases.ts) holds one case of each error; these
 * tests cover what the catalogue cannot (escaping, warnings, ordering, the secret never printed).
 */
import type { Project } from 'projen';
import { findResource, synthShop } from './monitoring-helpers';
import { bareProject, expectRejected } from './util';
import { Database, DockerImage, DockerPreset, Environment, FeatureFlag, ProdParity, Service, Severity, Shipshape } from '../src';
import type { ComposeModel } from '../src/compose/model';
import { renderCompose } from '../src/compose/render';
import { synthSnapshot } from '../src/testing/synth';

const ACCOUNT = '123456789012';
const KEY = 'AKIAIOSFODNN7EXAMPLE';

describe('secrets in plain values (SS-SECRET-PLAIN)', () => {
  test('GIVEN an access key in a Service env value THEN the error names it redacted and never prints the key', () => {
    const err = expectRejected((outdir) => {
      const p = bareProject(outdir, 'shop');
      new Service(p, 'api', { env: { AWS_ACCESS_KEY_ID: { value: KEY } } });
      return p;
    });
    expect(err.problems.map((x) => [x.code, x.path, x.property])).toEqual([['SS-SECRET-PLAIN', 'shop/api', 'env.AWS_ACCESS_KEY_ID.value']]);
    expect(err.message).not.toContain(KEY);
    expect(err.message).not.toContain(KEY.slice(4));
    expect(err.message).toContain("'AKIA…' (20 characters, the rest hidden)");
  });

  test('GIVEN secrets in several outputs THEN every one is reported in one run', () => {
    const err = expectRejected((outdir) => {
      const p = bareProject(outdir, 'shop');
      new Service(p, 'api', { env: { A: { value: `token ${KEY}` } } });
      new Environment(p, 'prod', { account: ACCOUNT, region: 'eu-west-1', variables: { DSN: 'postgres://app:hunter22@db.example.com/app' } });
      new FeatureFlag(p, 'flag', { description: `new checkout, key ${KEY}` });
      return p;
    });
    expect(err.problems.map((x) => `${x.path} ${x.property}`)).toEqual(['shop/api env.A.value', 'shop/prod variables.DSN', 'shop/flag description']);
  });
});

describe('values the target format reinterprets', () => {
  test('GIVEN a compose value with $ THEN it is written as $$ (compose would substitute it from the host)', () => {
    const model: ComposeModel = {
      path: 'demo/local',
      filePath: 'docker-compose.yml',
      projectName: 'demo',
      services: [{
        name: 'web',
        image: 'web:dev',
        init: true,
        ports: [],
        dependsOn: [],
        volumes: [],
        environment: { PRICE: 'costs $5', TEMPLATE: '${HOME}/x' },
      } as never],
    };
    const text = renderCompose(model);
    expect(text).toContain('PRICE: costs $$5');
    expect(text).toContain('TEMPLATE: $${HOME}/x');
  });
});

describe('cross-references', () => {
  test('GIVEN an Environment of another project in ProdParity THEN SS-FOREIGN-CONSTRUCT names the property, not a TypeError', () => {
    const err = expectRejected((outdir) => {
      const p = bareProject(outdir, 'shop');
      const other = bareProject(`${outdir}/other`, 'other');
      new Service(p, 'api');
      const staging = new Environment(other, 'staging', { account: ACCOUNT, region: 'eu-west-1' });
      const prod = new Environment(p, 'prod', { account: ACCOUNT, region: 'eu-west-1' });
      new ProdParity(p, 'parity', { staging, prod });
      return p;
    });
    expect(err.problems.map((x) => [x.code, x.path, x.property, x.got])).toEqual([['SS-FOREIGN-CONSTRUCT', 'shop/parity', 'staging', "'other/staging'"]]);
  });

  test('GIVEN a certificate of another account THEN SS-ENV-CERTIFICATE', () => {
    const err = expectRejected((outdir) => {
      const p = bareProject(outdir, 'shop');
      new Service(p, 'api');
      new Environment(p, 'prod', { account: ACCOUNT, region: 'eu-west-1', domain: { name: 'api.example.com', certificateArn: 'arn:aws:acm:eu-west-1:210987654321:certificate/0a1b' } });
      return p;
    });
    expect(err.problems.map((x) => x.code)).toEqual(['SS-ENV-CERTIFICATE']);
  });

  test('GIVEN a composite over a composite declared after it THEN both are in the template (none dropped)', () => {
    const { json } = synthShop({
      extra: (m) => {
        m.addAlarm('outer', { severity: Severity.WARNING, composite: { anyOf: ['inner', 'cpu'] } });
        m.addAlarm('inner', { severity: Severity.WARNING, composite: { allOf: ['memory', 'cpu'] } });
      },
    });
    const [innerId] = findResource(json, 'AWS::CloudWatch::CompositeAlarm', 'AlarmName', 'api-prod-inner');
    const [, outer] = findResource(json, 'AWS::CloudWatch::CompositeAlarm', 'AlarmName', 'api-prod-outer');
    expect(JSON.stringify(outer.Properties.AlarmRule)).toContain(innerId);
  });

  test('GIVEN a Database without any Environment THEN a SS-NO-ENVIRONMENT warning, and none with one', () => {
    const findingsOf = (withEnv: boolean) => {
      let ids: string[] = [];
      synthSnapshot((outdir) => {
        const p: Project = bareProject(outdir, 'shop');
        const api = new Service(p, 'api');
        new DockerImage(p, 'image', { service: api, preset: DockerPreset.node() });
        if (withEnv) new Environment(p, 'prod', { account: ACCOUNT, region: 'eu-west-1' });
        new Database(p, 'db', { service: api });
        const root = Shipshape.of(p);
        const pre = root.preSynthesize.bind(root);
        root.preSynthesize = () => { pre(); ids = root.policyFindings.map((f) => f.rule.id); };
        return p;
      });
      return ids;
    };
    expect(findingsOf(false)).toContain('SS-NO-ENVIRONMENT');
    expect(findingsOf(true)).not.toContain('SS-NO-ENVIRONMENT');
  });
});
