import type { DockerfileModel, ImageRef, Instruction, MountModel, StageModel } from './model';

/** Render a Dockerfile. Pure: the same model always gives the same text. */
export function renderDockerfile(model: DockerfileModel, header: readonly string[] = []): string {
  const lines: string[] = ['# syntax=docker/dockerfile:1', ...header.map((h) => `# ${h}`)];
  for (const a of model.globalArgs) lines.push(renderArg(a.name, a.default));
  for (const stage of model.stages) {
    lines.push('', renderFrom(stage));
    for (const ins of stage.instructions) lines.push(renderInstruction(ins));
  }
  return `${lines.join('\n')}\n`;
}

export function imageString(ref: ImageRef): string {
  return `${ref.image}:${ref.tag}${ref.digest ? `@${ref.digest}` : ''}`;
}

function renderFrom(stage: StageModel): string {
  const base = 'stage' in stage.from ? stage.from.stage : imageString(stage.from);
  return `FROM ${base} AS ${stage.name}`;
}

function renderArg(name: string, def?: string): string {
  return def === undefined ? `ARG ${name}` : `ARG ${name}=${quoteIfNeeded(def)}`;
}

/** Render one instruction. Exported for exact-string tests. */
export function renderInstruction(ins: Instruction): string {
  switch (ins.kind) {
    case 'arg':
      return renderArg(ins.name, ins.default);
    case 'env':
      return `ENV ${keyValues(ins.vars)}`;
    case 'workdir':
      return `WORKDIR ${ins.path}`;
    case 'run':
      return ['RUN', ...(ins.mounts ?? []).map((m) => `--mount=${renderMount(m)}`), ins.command].join(' ');
    case 'copy':
      return ['COPY',
        ...(ins.from ? [`--from=${ins.from}`] : []),
        ...(ins.chown ? [`--chown=${ins.chown}`] : []),
        ...(ins.chmod ? [`--chmod=${ins.chmod}`] : []),
        ...ins.sources, ins.dest].join(' ');
    case 'add':
      return ['ADD',
        ...(ins.checksum ? [`--checksum=${ins.checksum}`] : []),
        ...(ins.chown ? [`--chown=${ins.chown}`] : []),
        ...(ins.chmod ? [`--chmod=${ins.chmod}`] : []),
        ...ins.sources, ins.dest].join(' ');
    case 'user':
      return `USER ${ins.user}`;
    case 'expose':
      return `EXPOSE ${ins.port}${ins.protocol ? `/${ins.protocol}` : ''}`;
    case 'healthcheck': {
      const c = ins.check;
      return `HEALTHCHECK --interval=${c.interval} --timeout=${c.timeout} --start-period=${c.startPeriod} --retries=${c.retries} \\\n  CMD ${execForm(c.command)}`;
    }
    case 'no-healthcheck':
      return 'HEALTHCHECK NONE';
    case 'label':
      return `LABEL ${keyValues(ins.labels)}`;
    case 'stopsignal':
      return `STOPSIGNAL ${ins.signal}`;
    case 'shell':
      return `SHELL ${execForm(ins.command)}`;
    case 'comment':
      return ins.text.split('\n').map((l) => (l ? `# ${l}` : '#')).join('\n');
    case 'entrypoint':
      return `ENTRYPOINT ${execForm(ins.command)}`;
    case 'cmd':
      return `CMD ${execForm(ins.command)}`;
  }
}

/** `type=cache,target=/root/.npm,sharing=locked`: type first, then the fields in a fixed order. */
export function renderMount(m: MountModel): string {
  const fields: Array<[string, string | boolean | undefined]> = m.type === 'cache'
    ? [['id', m.id], ['target', m.target], ['sharing', m.sharing]]
    : m.type === 'secret'
      ? [['id', m.id], ['target', m.target], ['env', m.env], ['required', m.required]]
      : [['from', m.from], ['source', m.source], ['target', m.target], ['readwrite', m.readwrite]];
  return [`type=${m.type}`, ...fields.filter(([, v]) => v !== undefined && v !== false).map(([k, v]) => `${k}=${v}`)].join(',');
}

/** Exec form is a JSON array of strings. */
function execForm(command: readonly string[]): string {
  return JSON.stringify(command);
}

function keyValues(vars: Readonly<Record<string, string>>): string {
  return Object.keys(vars).sort().map((k) => `${k}=${quoteIfNeeded(vars[k])}`).join(' ');
}

function quoteIfNeeded(v: string): string {
  return /^[A-Za-z0-9_./:@%+,-]+$/.test(v) ? v : JSON.stringify(v);
}

/** Render a .dockerignore: one pattern a line, in the order given. */
export function renderDockerignore(patterns: readonly string[], header: readonly string[] = []): string {
  return `${[...header.map((h) => `# ${h}`), ...patterns].join('\n')}\n`;
}
