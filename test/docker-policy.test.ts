import { Project } from 'projen';
import { DockerImage, DockerPreset, HealthCommand, Service, Shipshape } from '../src';
import type { Dockerfile, PresetContext, Stage } from '../src';
import { newProject, synthError } from './docker-helpers';
import type { ProjectModel } from '../src/model';
import { DOCKER_RULES } from '../src/policy/docker-rules';
import { evaluatePolicy } from '../src/policy/policy';
import { synthSnapshot } from '../src/testing/synth';

const ALPINE = { image: 'alpine', tag: '3.20' };
const AWS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----';

/** A valid custom image; `tweak` adds the instruction under test to the runtime stage (before or instead of the defaults). */
function custom(tweak: (runtime: Stage, df: Dockerfile, ctx: PresetContext) => void, finish = true): DockerPreset {
  return DockerPreset.custom({
    stages: (df, ctx) => {
      const runtime = df.addStage('runtime', { from: ALPINE });
      tweak(runtime, df, ctx);
      if (finish) ctx.finishRuntime(runtime, { uid: 10001, healthcheck: HealthCommand.wget(ctx.healthUrl), entrypoint: ['/app'] });
    },
  });
}

function withImage(preset: DockerPreset, ack?: [string, string]) {
  return (project: Project) => {
    const image = new DockerImage(project, 'image', { service: new Service(project, 'api'), preset });
    if (ack) image.acknowledge(ack[0], ack[1]);
    return image;
  };
}

function findings(preset: DockerPreset) {
  const project = newProject();
  withImage(preset)(project);
  const s = Shipshape.of(project);
  return evaluatePolicy(DOCKER_RULES, { model: s.model(), files: [] }, []).map((f) => [f.rule.id, f.rule.severity, f.violation.property]);
}

describe('the built-in presets are clean', () => {
  test.each([['node', DockerPreset.node()], ['python', DockerPreset.python({ buildPackages: ['gcc'] })], ['go', DockerPreset.go()]])('%s: only the digest reminder (info)', (_n, preset) => {
    expect(findings(preset).filter(([, sev]) => sev !== 'info')).toEqual([]);
    expect(findings(preset).map(([id]) => id)).toContain('SS-DOCKER-BASE-DIGEST');
  });
});

describe('SS-DOCKER-NONROOT', () => {
  test('GIVEN USER root in the final stage WHEN synthesizing THEN a clear error and no file is written', () => {
    const { error, written } = synthError((p) => { withImage(custom((r) => r.expose(8080).healthcheck({ command: ['true'] }).user('root'), false))(p); });
    expect(error.code).toBe('SS-DOCKER-NONROOT');
    expect(error.path).toBe('bad/image/runtime');
    expect(error.property).toBe('user');
    expect(error.got).toBe("'root'");
    expect(error.message).toContain("acknowledge('SS-DOCKER-NONROOT', '<reason>')");
    expect(written).toEqual([]);
  });

  test('GIVEN the defaults followed by USER 0 THEN the last USER counts', () => {
    expect(findings(custom((r) => r.user(0), false))).toContainEqual(['SS-DOCKER-NONROOT', 'error', 'user']);
    const after = DockerPreset.custom({
      stages: (df, ctx) => {
        const r = df.addStage('runtime', { from: ALPINE });
        ctx.finishRuntime(r, { uid: 10001, healthcheck: ['true'], entrypoint: ['/app'] });
        r.user('0:0');
      },
    });
    expect(findings(after)).toContainEqual(['SS-DOCKER-NONROOT', 'error', 'user']);
  });

  test('GIVEN USER root acknowledged with a reason THEN synthesis succeeds and the report keeps the finding', () => {
    let root: Shipshape | undefined;
    const files = synthSnapshot((outdir) => {
      const project = new Project({ name: 'acked', outdir });
      Shipshape.configure(project, { cloudFormationValidation: false });
      withImage(custom((r) => {
        r.expose(8080).healthcheck({ command: ['true'] }).user('root').entrypoint(['/init']);
      }, false), ['SS-DOCKER-NONROOT', 'the init system drops privileges itself'])(project);
      root = Shipshape.of(project);
      return project;
    });
    expect(files.Dockerfile).toContain('USER root');
    const f = root!.policyFindings.find((x) => x.rule.id === 'SS-DOCKER-NONROOT')!;
    expect(f.acknowledged?.reason).toBe('the init system drops privileges itself');
  });
});

describe('other Dockerfile rules', () => {
  test('SS-DOCKER-HEALTHCHECK: a final stage without one', () => {
    expect(findings(custom((r) => r.user(10001).expose(8080), false))).toContainEqual(['SS-DOCKER-HEALTHCHECK', 'error', 'healthcheck']);
  });

  test('SS-DOCKER-REMOTE-ADD: ADD of a URL is refused, a local archive is fine', () => {
    expect(findings(custom((r) => r.add({ src: 'https://example.com/tool.tgz', dest: '/opt/' })))).toContainEqual(['SS-DOCKER-REMOTE-ADD', 'error', 'add']);
    expect(findings(custom((r) => r.add({ src: 'tool.tgz', dest: '/opt/' }))).map(([id]) => id)).not.toContain('SS-DOCKER-REMOTE-ADD');
  });

  test('SS-DOCKER-APT: missing --no-install-recommends and list cleanup are warnings; a cache mount on the lists is fine', () => {
    const bad = findings(custom((r) => r.run('apt-get update && apt-get install -y curl')));
    expect(bad.filter(([id]) => id === 'SS-DOCKER-APT')).toHaveLength(2);
    expect(bad.find(([id]) => id === 'SS-DOCKER-APT')![1]).toBe('warning');
    const good = findings(custom((r) => r.run('apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*')));
    expect(good.map(([id]) => id)).not.toContain('SS-DOCKER-APT');
  });

  test('SS-DOCKER-SECRET: an AWS key or a PEM key in ENV fails synthesis, and the message does not repeat it', () => {
    for (const value of [AWS_KEY, PEM]) {
      const { error, written } = synthError((p) => { withImage(custom((r) => r.env({ SIGNING: value })))(p); });
      expect(error.code).toBe('SS-DOCKER-SECRET');
      expect(error.property).toBe('env.SIGNING');
      expect(error.got).toMatch(/(an AWS access key id|a PEM private key) \(value hidden\)/);
      expect(error.message).not.toContain(value.slice(0, 12));
      expect(error.message).toContain('Mount.secret');
      expect(written).toEqual([]);
    }
  });

  test('SS-DOCKER-SECRET: a secret-named ARG, even without a value', () => {
    expect(findings(custom((r) => r.arg('NPM_TOKEN')))).toContainEqual(['SS-DOCKER-SECRET', 'error', 'arg.NPM_TOKEN']);
    expect(findings(custom((r) => r.env({ LOG_LEVEL: 'info' }))).map(([id]) => id)).not.toContain('SS-DOCKER-SECRET');
  });

  test('SS-DOCKER-LATEST and SS-DOCKER-PINNED-BASE read the model (the builder refuses both earlier)', () => {
    const project = newProject();
    withImage(DockerPreset.go())(project);
    const model = Shipshape.of(project).model();
    const image = model.images[0];
    const stages = image.dockerfile.stages.map((s, i) => (i === 0 ? { ...s, from: { image: 'golang', tag: 'latest' } } : { ...s, from: { image: 'scratchy', tag: '' } }));
    const bad: ProjectModel = { ...model, images: [{ ...image, dockerfile: { ...image.dockerfile, stages } }] };
    const ids = evaluatePolicy(DOCKER_RULES, { model: bad, files: [] }, []).map((f) => `${f.rule.id} ${f.violation.path}`);
    expect(ids).toEqual(expect.arrayContaining(['SS-DOCKER-LATEST demo/image/build', 'SS-DOCKER-PINNED-BASE demo/image/runtime']));
  });

  test('every rule has an id, a description and a fix hint', () => {
    for (const r of DOCKER_RULES) {
      expect(r.id).toMatch(/^SS-DOCKER-[A-Z-]+$/);
      expect(r.fix.length).toBeGreaterThan(10);
    }
  });
});

describe('SS-DOCKER-EXPOSE (the Service owns the port)', () => {
  test("GIVEN an EXPOSE port that differs from the service's THEN a clear error and no file is written", () => {
    const { error, written } = synthError((p) => { withImage(custom((r) => r.expose(9090)))(p); });
    expect(error.code).toBe('SS-DOCKER-EXPOSE');
    expect(error.path).toBe('bad/image/runtime');
    expect(error.got).toBe('9090');
    expect(error.expected).toBe("the service's port 8080 (from bad/api)");
    expect(written).toEqual([]);
  });

  test('GIVEN no EXPOSE at all THEN the same check asks for the port', () => {
    const { error } = synthError((p) => { withImage(custom((r) => r.user(10001).healthcheck({ command: ['true'] }), false))(p); });
    expect(error.problems.map((x) => x.code)).toContain('SS-DOCKER-EXPOSE');
  });
});
