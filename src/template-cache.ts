import * as fs from 'fs';
import * as path from 'path';
import { DiskCache, SHIPSHAPE_VERSION, hashOf, packageVersion } from './core/cache';
import type { ProjectModel } from './model';

/**
 * Incremental synthesis of CloudFormation templates. The key covers shipshape's version and a fingerprint of its
 * own code, aws-cdk-lib's version, the validation setting and every part of the model that feeds a template;
 * a hit skips loading aws-cdk-lib and the CloudFormation validator altogether.
 */
export interface TemplateCacheOptions {
  /** The project's root: the cache lives in its `node_modules/.cache/shipshape`. */
  readonly projectDir?: string;
  readonly validation: boolean;
  /** @default true */
  readonly enabled?: boolean;
}

interface Entry {
  /** Whether the CloudFormation validator passed these templates. */
  readonly validated: boolean;
  /** Rendered template text by file path. */
  readonly files: Record<string, string>;
}

let fingerprint: string | undefined;

/** A hash of shipshape's own code (src/ or lib/), so that editing shipshape itself never serves stale output. */
export function codeFingerprint(): string {
  if (fingerprint) return fingerprint;
  const root = path.resolve(__dirname);
  const parts: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) walk(abs);
      else if (/\.(ts|js|mjs|json)$/.test(e.name) && !e.name.endsWith('.d.ts')) parts.push(`${path.relative(root, abs)}\n${fs.readFileSync(abs, 'utf8')}`);
    }
  };
  walk(root);
  fingerprint = hashOf(parts);
  return fingerprint;
}

/** The parts of the model that feed templates: everything but the workflow and Dockerfile outputs. */
export function templateInputs(model: ProjectModel): unknown {
  const { pipelines: _p, images: _i, header: _h, ...rest } = model;
  return rest;
}

/**
 * Return the rendered templates, from the cache when nothing that feeds them changed,
 * otherwise by calling `build` (which loads aws-cdk-lib) and storing its result.
 */
export function withTemplateCache(model: ProjectModel, options: TemplateCacheOptions, build: () => Map<string, string>): Map<string, string> {
  const enabled = (options.enabled ?? true) && options.projectDir !== undefined && process.env.SHIPSHAPE_CACHE !== 'off';
  const cache = new DiskCache(options.projectDir ?? '.', 'templates', enabled);
  const key = enabled ? hashOf(SHIPSHAPE_VERSION, codeFingerprint(), packageVersion('aws-cdk-lib'), templateInputs(model)) : '';
  const hit = cache.get<Entry>(key);
  if (hit && (hit.validated || !options.validation)) return new Map(Object.entries(hit.files));
  const built = build();
  cache.set(key, { validated: options.validation, files: Object.fromEntries(built) } satisfies Entry);
  return built;
}
