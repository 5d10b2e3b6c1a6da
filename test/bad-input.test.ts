/**
 * The foundation's bad inputs: each fails with an error that names the construct
 * and the property, before any file is touched.
 */
import { DockerImage, DockerPreset, Environment, Pipeline, Service } from '../src';
import { bareProject, expectRejected } from './util';

describe('bad input is rejected before anything is written', () => {
  test('a health path without a leading /', () => {
    const err = expectRejected((outdir) => {
      const p = bareProject(outdir);
      new Service(p, 'api', { healthPath: 'healthz' });
      return p;
    });
    expect(err.message).toContain("[app/api] healthPath: must be a path starting with '/' (got 'healthz') [SS-SERVICE-HEALTHPATH]");
  });

  test.each([0, 65536, 80.5])('a port outside 1-65535 (%p)', (port) => {
    const err = expectRejected((outdir) => {
      const p = bareProject(outdir);
      new Service(p, 'api', { port });
      return p;
    });
    expect(err.path).toBe('app/api');
    expect(err.property).toBe('port');
    expect(err.got).toBe(String(port));
    expect(err.code).toBe('SS-SERVICE-PORT');
  });

  test('two environments with the same name', () => {
    const err = expectRejected((outdir) => {
      const p = bareProject(outdir);
      new Service(p, 'api');
      new Environment(p, 'prod', { account: '123456789012', region: 'eu-west-1' });
      new Environment(p, 'prod-again', { name: 'prod', account: '123456789013', region: 'eu-west-1' });
      return p;
    });
    expect(err.message).toContain("[app/prod-again] name: must be a name no other environment uses (already used by app/prod) (got 'prod') [SS-ENV-DUPLICATE]");
  });

  test.each(['12345', '12345678901a', '1234567890123'])('an account id that is not 12 digits (%s)', (account) => {
    const err = expectRejected((outdir) => {
      const p = bareProject(outdir);
      new Environment(p, 'prod', { account, region: 'eu-west-1' });
      return p;
    });
    expect(err.message).toContain(`[app/prod] account: must be a 12-digit AWS account id (got '${account}') [SS-ENV-ACCOUNT]`);
  });

  test('an unknown region', () => {
    const err = expectRejected((outdir) => {
      const p = bareProject(outdir);
      new Environment(p, 'prod', { account: '123456789012', region: 'eu-westish-1' });
      return p;
    });
    expect(err.path).toBe('app/prod');
    expect(err.property).toBe('region');
    expect(err.got).toBe("'eu-westish-1'");
    expect(err.expected).toMatch(/^a known AWS region \(af-south-1, .*us-west-2\)$/);
  });

  test('a job that needs an unknown job', () => {
    const err = expectRejected((outdir) => {
      const p = bareProject(outdir);
      const ci = new Pipeline(p, 'ci');
      ci.addJob('e2e', { needs: ['biuld'], steps: [{ run: 'npm run e2e' }] });
      return p;
    });
    expect(err.message).toContain("[app/ci/jobs/e2e] needs: must be the id of a job in this pipeline (lint, test, build, dependency-review, audit, codeql, secrets, synth-check, e2e) (got 'biuld') [SS-JOB-NEEDS]");
  });

  test('every problem of the project is reported together in one run', () => {
    const err = expectRejected((outdir) => {
      const p = bareProject(outdir);
      new Service(p, 'api');
      new Environment(p, 'a', { name: 'x', account: '123456789012', region: 'eu-west-1' });
      new Environment(p, 'b', { name: 'x', account: '123456789012', region: 'eu-west-1' });
      const ci = new Pipeline(p, 'ci');
      ci.addJob('one', { needs: ['nope'], steps: [{ run: 'true' }] });
      return p;
    });
    expect(err.problems.map((x) => x.code).sort()).toEqual(['SS-ENV-DUPLICATE', 'SS-JOB-NEEDS']);
  });

  test('a job cycle', () => {
    const err = expectRejected((outdir) => {
      const p = bareProject(outdir);
      const ci = new Pipeline(p, 'ci', { checks: { lint: false, test: false, build: false } });
      ci.addJob('a', { needs: ['b'], steps: [{ run: 'true' }] });
      ci.addJob('b', { needs: ['a'], steps: [{ run: 'true' }] });
      return p;
    });
    expect(err.message).toContain("needs: must be jobs whose needs form no cycle (got 'a -> b -> a') [SS-JOB-CYCLE]");
  });

  test('an image without a preset names the property', () => {
    const err = expectRejected((outdir) => {
      const p = bareProject(outdir);
      const api = new Service(p, 'api');
      new DockerImage(p, 'image', { service: api, preset: 'node' as unknown as DockerPreset });
      return p;
    });
    expect(err.message).toContain('[app/image] preset: must be a DockerPreset, for example DockerPreset.node()');
  });

  test('a file written by hand is never overwritten', () => {
    const err = expectRejected((outdir) => {
      const p = bareProject(outdir);
      const api = new Service(p, 'api');
      new DockerImage(p, 'image', { service: api, preset: DockerPreset.node() });
      return p;
    }, { Dockerfile: 'FROM scratch\n' });
    expect(err.code).toBe('SS-FILE-HANDWRITTEN');
    expect(err.message).toContain("'Dockerfile' was written by hand");
    expect(err.message).toContain("adopt: ['Dockerfile']");
  });
});
