import { DockerImage, DockerPreset, Dockerfile, Duration, HealthCommand, Mount, Service, ShipshapeError } from '../src';
import { newProject, synthError } from './docker-helpers';
import { renderDockerfile } from '../src/docker/render';

const BASE = { image: 'debian', tag: 'bookworm-slim' };

function thrown(fn: () => unknown): ShipshapeError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ShipshapeError) return e;
    throw e;
  }
  throw new Error('expected a ShipshapeError');
}

describe('the stage builder', () => {
  test('GIVEN stages WHEN one copies from another THEN the model names the earlier stage', () => {
    const df = new Dockerfile('demo/image');
    const build = df.addStage('build', { from: BASE }).workdir('/src').run('make');
    const runtime = df.addStage('runtime', { from: BASE }).copy({ from: build, src: '/src/out', dest: '/app', chown: '10001:10001', chmod: '0755' });
    expect(runtime.index).toBe(1);
    expect(df.toModel().stages[1].instructions).toEqual([
      { kind: 'copy', from: 'build', sources: ['/src/out'], dest: '/app', chown: '10001:10001', chmod: '0755' },
    ]);
  });

  test('a stage can start FROM an earlier stage, and a bind mount can read one', () => {
    const df = new Dockerfile();
    const deps = df.addStage('deps', { from: BASE });
    const build = df.addStage('build', { from: deps });
    df.addStage('test', { from: BASE }).run('ls /w', { mounts: [Mount.bind({ from: build, source: '/src', target: '/w' })] });
    const model = df.toModel();
    expect(model.stages[1].from).toEqual({ stage: 'deps' });
    expect(model.stages[2].instructions[0]).toEqual({ kind: 'run', command: 'ls /w', mounts: [{ type: 'bind', from: 'build', source: '/src', target: '/w' }] });
  });

  test('the builder covers every production instruction', () => {
    const df = new Dockerfile();
    df.addArg('NODE_MAJOR', '22');
    df.addStage('all', { from: BASE })
      .shell(['/bin/bash', '-o', 'pipefail', '-c'])
      .arg('REVISION', 'unknown')
      .env({ LANG: 'C.UTF-8' })
      .workdir('/app')
      .run('npm ci', { mounts: [Mount.cache({ target: '/root/.npm' }), Mount.secret({ id: 'npm', target: '/root/.npmrc' })] })
      .copy({ src: ['a', 'b'], dest: './' })
      .add({ src: 'vendor.tar.gz', dest: '/opt/' })
      .label({ 'org.opencontainers.image.title': 'all' })
      .user(10001)
      .expose(8080)
      .healthcheck({ command: HealthCommand.curl('http://127.0.0.1:8080/'), interval: Duration.seconds(15), timeout: '2s' })
      .stopSignal('SIGINT')
      .entrypoint(['node'])
      .cmd(['server.js']);
    expect(renderDockerfile(df.toModel())).toBe([
      '# syntax=docker/dockerfile:1',
      'ARG NODE_MAJOR=22',
      '',
      'FROM debian:bookworm-slim AS all',
      'SHELL ["/bin/bash","-o","pipefail","-c"]',
      'ARG REVISION=unknown',
      'ENV LANG=C.UTF-8',
      'WORKDIR /app',
      'RUN --mount=type=cache,target=/root/.npm,sharing=locked --mount=type=secret,id=npm,target=/root/.npmrc npm ci',
      'COPY a b ./',
      'ADD vendor.tar.gz /opt/',
      'LABEL org.opencontainers.image.title=all',
      'USER 10001',
      'EXPOSE 8080',
      'HEALTHCHECK --interval=15s --timeout=2s --start-period=10s --retries=3 \\',
      '  CMD ["curl","-fsS","-o","/dev/null","http://127.0.0.1:8080/"]',
      'STOPSIGNAL SIGINT',
      'ENTRYPOINT ["node"]',
      'CMD ["server.js"]',
      '',
    ].join('\n'));
  });

  test('image.dockerfile stays open: instructions added after construction are rendered', () => {
    const project = newProject();
    const image = new DockerImage(project, 'image', { service: new Service(project, 'api'), preset: DockerPreset.node() });
    image.dockerfile.findStage('build').run('npm test');
    const model = image._contribute().model as { dockerfile: { stages: Array<{ name: string; instructions: Array<{ command?: string }> }> } };
    expect(model.dockerfile.stages.find((s) => s.name === 'build')!.instructions.at(-1)).toEqual({ kind: 'run', command: 'npm test' });
    expect(image.targetStage.name).toBe('runtime');
  });
});

describe('bad input is refused at the line that wrote it', () => {
  test('a stage name used twice', () => {
    const df = new Dockerfile('demo/image');
    df.addStage('build', { from: BASE });
    const e = thrown(() => df.addStage('build', { from: BASE }));
    expect(e.code).toBe('SS-DOCKER-STAGE-DUPLICATE');
    expect(e.path).toBe('demo/image');
    expect(e.got).toBe("'build'");
    expect(e.message).toContain('a stage name not used yet (used: build)');
  });

  test('COPY --from a stage defined later', () => {
    const df = new Dockerfile('demo/image');
    const runtime = df.addStage('runtime', { from: BASE });
    const build = df.addStage('build', { from: BASE });
    const e = thrown(() => runtime.copy({ from: build, src: '/out', dest: '/app' }));
    expect(e.code).toBe('SS-DOCKER-STAGE-REF');
    expect(e.path).toBe('demo/image/runtime');
    expect(e.property).toBe('copy.from');
    expect(e.got).toBe("'build'");
    expect(e.expected).toContain("a stage defined before 'runtime'");
  });

  test('COPY --from its own stage, or a stage of another Dockerfile', () => {
    const df = new Dockerfile('demo/image');
    const a = df.addStage('a', { from: BASE });
    expect(thrown(() => a.copy({ from: a, src: '/x', dest: '/y' })).code).toBe('SS-DOCKER-STAGE-REF');
    const other = new Dockerfile('demo/other').addStage('build', { from: BASE });
    const e = thrown(() => df.addStage('b', { from: BASE }).copy({ from: other, src: '/x', dest: '/y' }));
    expect(e.expected).toBe('a stage of this Dockerfile (demo/image)');
  });

  test('a healthcheck interval without a unit', () => {
    const stage = new Dockerfile('demo/image').addStage('runtime', { from: BASE });
    const e = thrown(() => stage.healthcheck({ command: ['true'], interval: '30' }));
    expect(e.code).toBe('SS-DURATION');
    expect(e.path).toBe('demo/image/runtime');
    expect(e.property).toBe('healthcheck.interval');
    expect(e.got).toBe("'30'");
    expect(e.expected).toContain('a whole number with a unit');
  });

  test('a healthcheck interval without a unit in DockerImage props: nothing is written', () => {
    const { error, written } = synthError((project) => {
      new DockerImage(project, 'image', { service: new Service(project, 'api'), preset: DockerPreset.node(), healthcheck: { interval: '30' } });
    });
    expect(error.path).toBe('bad/image');
    expect(error.property).toBe('healthcheck.interval');
    expect(written).toEqual([]);
  });

  test("a base image tagged 'latest', without a tag, or with a made-up digest", () => {
    const df = new Dockerfile('demo/image');
    expect(thrown(() => df.addStage('a', { from: { image: 'node', tag: 'latest' } })).property).toBe('from.tag');
    expect(thrown(() => df.addStage('a', { from: { image: 'node', tag: '' } })).property).toBe('from.tag');
    expect(thrown(() => df.addStage('a', { from: { image: 'node', tag: '22', digest: 'sha256:abc' } })).property).toBe('from.digest');
  });

  test('a relative WORKDIR, a shell-form ENTRYPOINT and a bad chmod', () => {
    const stage = new Dockerfile('demo/image').addStage('a', { from: BASE });
    expect(thrown(() => stage.workdir('app')).code).toBe('SS-DOCKER-WORKDIR');
    expect(thrown(() => stage.entrypoint([] as string[])).code).toBe('SS-DOCKER-EXEC');
    expect(thrown(() => stage.copy({ src: 'a', dest: '/b', chmod: 'rwx' })).code).toBe('SS-DOCKER-CHMOD');
  });
});
