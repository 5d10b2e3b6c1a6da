import type { ComposeModel, ComposeServiceModel } from './model';
import { toYaml } from '../core/serialize';

const SERVICE_HEAD = ['image', 'build', 'init', 'profiles', 'entrypoint', 'ports', 'environment', 'volumes', 'depends_on', 'healthcheck'];

/** Render docker-compose.yml. Pure: the same model always gives the same text. */
export function renderCompose(model: ComposeModel, header: readonly string[] = []): string {
  const services: Record<string, unknown> = {};
  // A service without a healthcheck can only be waited for until it has started.
  const healthy = new Set(model.services.filter((s) => s.healthcheck).map((s) => s.name));
  for (const s of model.services) services[s.name] = composeService(s, healthy);
  const volumes = model.services.flatMap((s) => s.volumes.map((v) => v.name));
  const doc = {
    name: model.projectName,
    services,
    ...(volumes.length > 0 ? { volumes: Object.fromEntries(volumes.map((v) => [v, {}])) } : {}),
  };
  return toYaml(doc, {
    header,
    order: (path) => {
      if (path.length === 0) return ['name', 'services', 'volumes'];
      if (path.length === 1 && path[0] === 'services') return 'preserve';
      if (path.length === 2 && path[0] === 'services') return SERVICE_HEAD;
      if (path[2] === 'build') return ['context', 'dockerfile', 'target'];
      if (path[2] === 'healthcheck') return ['test', 'interval', 'timeout', 'start_period', 'retries'];
      if (path[2] === 'ports') return ['target', 'published', 'host_ip', 'protocol'];
      return undefined;
    },
  });
}

/**
 * Compose substitutes `$NAME` and `${NAME}` from the host's shell (in values and commands alike): a value is meant
 * literally, so `$` becomes `$$`.
 */
function literal(environment: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, v.replace(/\$/g, '$$$$')]));
}

function composeService(s: ComposeServiceModel, healthy: ReadonlySet<string>): Record<string, unknown> {
  return {
    image: s.image,
    build: s.build,
    init: s.init,
    profiles: s.profiles && s.profiles.length > 0 ? [...s.profiles] : undefined,
    entrypoint: s.entrypoint && s.entrypoint.length > 0 ? s.entrypoint.map((c) => c.replace(/\$/g, '$$$$')) : undefined,
    ports: s.ports.length > 0 ? s.ports.map((p) => ({ target: p.target, published: String(p.published), host_ip: '127.0.0.1', protocol: 'tcp' })) : undefined,
    environment: Object.keys(s.environment).length > 0 ? literal(s.environment) : undefined,
    volumes: s.volumes.length > 0 ? s.volumes.map((v) => `${v.name}:${v.target}`) : undefined,
    depends_on: s.dependsOn.length > 0 ? Object.fromEntries(s.dependsOn.map((d) => [d, { condition: healthy.has(d) ? 'service_healthy' : 'service_started' }])) : undefined,
    healthcheck: s.healthcheck ? {
      test: ['CMD', ...s.healthcheck.command],
      interval: s.healthcheck.interval,
      timeout: s.healthcheck.timeout,
      start_period: s.healthcheck.startPeriod,
      retries: s.healthcheck.retries,
    } : undefined,
  };
}
