import { parseDocument } from 'yaml';
import type { Finding } from './finding';
import { secretKind } from '../docker/secrets';

const TOP = ['name', 'services', 'volumes', 'networks', 'configs', 'secrets', 'include'];
const SERVICE_KEYS = ['image', 'build', 'init', 'ports', 'environment', 'volumes', 'depends_on', 'healthcheck', 'command', 'entrypoint', 'user', 'restart', 'networks', 'env_file', 'profiles', 'develop', 'working_dir', 'read_only', 'tmpfs', 'cap_drop', 'security_opt'];
const CONDITIONS = ['service_started', 'service_healthy', 'service_completed_successfully'];
const DURATION = /^(\d+(\.\d+)?(us|ms|s|m|h))+$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Structural checks of a docker-compose file (there is no offline compose validator here):
 * known keys, pinned images, healthchecks in exec form with unit durations, `depends_on`
 * naming real services that have a healthcheck, declared named volumes, no secret-looking values.
 */
export function checkCompose(content: string, file: string): Finding[] {
  const out: Finding[] = [];
  const add = (rule: string, message: string) => out.push({ validator: 'compose-structure', file, severity: 'error', rule, message });
  const doc = parseDocument(content);
  for (const e of doc.errors) add('yaml', e.message);
  const root = doc.toJS() as unknown;
  if (!isObj(root)) return [...out, { validator: 'compose-structure', file, severity: 'error', rule: 'root', message: 'not a mapping' }];
  for (const k of Object.keys(root)) if (!TOP.includes(k) && !k.startsWith('x-')) add('unknown-key', `top-level key '${k}'`);
  if (!isObj(root.services) || Object.keys(root.services).length === 0) add('no-services', 'no services');
  const services = isObj(root.services) ? root.services : {};
  const volumes = isObj(root.volumes) ? Object.keys(root.volumes) : [];
  for (const [name, raw] of Object.entries(services)) {
    if (!isObj(raw)) { add('service', `${name} is not a mapping`); continue; }
    for (const k of Object.keys(raw)) if (!SERVICE_KEYS.includes(k) && !k.startsWith('x-')) add('unknown-key', `${name}.${k}`);
    if (raw.image === undefined && raw.build === undefined) add('no-image', `${name} has neither image nor build`);
    if (typeof raw.image === 'string') {
      const tag = /^[^@]+:([^/:@]+)(@.*)?$/.exec(raw.image)?.[1];
      if (!tag && !raw.image.includes('@sha256:')) add('image-unpinned', `${name}: ${raw.image} has no tag or digest`);
      if (tag === 'latest') add('image-latest', `${name}: ${raw.image} uses 'latest'`);
    }
    if (isObj(raw.build) && (typeof raw.build.context !== 'string' || typeof raw.build.target !== 'string')) add('build', `${name}.build needs context and target`);
    const hc = raw.healthcheck;
    // A service in a profile (a job) runs on demand and exits: nothing waits for it, so it needs no healthcheck.
    const inProfile = (s: unknown) => isObj(s) && Array.isArray(s.profiles) && s.profiles.length > 0;
    if (inProfile(raw) && hc === undefined) { /* on demand */ } else if (!isObj(hc) || !Array.isArray(hc.test) || !['CMD', 'CMD-SHELL'].includes(String(hc.test[0]))) {add('healthcheck', `${name} has no healthcheck test starting with CMD`);} else {for (const k of ['interval', 'timeout', 'start_period']) if (hc[k] !== undefined && !DURATION.test(String(hc[k]))) add('duration', `${name}.healthcheck.${k} '${String(hc[k])}' has no unit`);}
    const deps = isObj(raw.depends_on) ? raw.depends_on : {};
    for (const [dep, cond] of Object.entries(deps)) {
      if (!(dep in services)) add('depends-on-unknown', `${name} depends on unknown service '${dep}'`);
      const condition = isObj(cond) ? cond.condition : undefined;
      if (!CONDITIONS.includes(String(condition))) add('depends-on-condition', `${name}.depends_on.${dep}.condition '${String(condition)}'`);
      if (condition === 'service_healthy' && !isObj((services[dep] as Obj | undefined)?.healthcheck)) add('depends-on-unhealthy', `${name} waits for '${dep}' to be healthy, but it has no healthcheck`);
      if (!inProfile(raw) && inProfile(services[dep])) add('depends-on-profile', `${name} waits for '${dep}', which runs only in a profile: \`docker compose up\` cannot start it`);
    }
    for (const v of Array.isArray(raw.volumes) ? raw.volumes : []) {
      const src = String(v).split(':')[0];
      if (!src.startsWith('.') && !src.startsWith('/') && !volumes.includes(src)) add('volume-undeclared', `${name} mounts undeclared volume '${src}'`);
    }
    for (const [k, v] of Object.entries(isObj(raw.environment) ? raw.environment : {})) {
      const kind = secretKind(String(v));
      if (kind) add('secret', `${name}.environment.${k} looks like ${kind}`);
    }
  }
  return out;
}
