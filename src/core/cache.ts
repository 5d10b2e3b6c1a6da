import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { canonicalize } from './serialize';

/** shipshape's own version: part of every cache key, so an upgrade never serves old output. */
export const SHIPSHAPE_VERSION: string = readVersion(path.join(__dirname, '..', '..', 'package.json'));

function readVersion(file: string): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
    return `${pkg.name}@${pkg.version}`;
  } catch {
    return 'unknown';
  }
}

/** The version of an installed package, read from its package.json without loading it. */
export function packageVersion(name: string, from: string = __dirname): string {
  for (let d = from; ; d = path.dirname(d)) {
    const file = path.join(d, 'node_modules', name, 'package.json');
    if (fs.existsSync(file)) return readVersion(file);
    if (path.dirname(d) === d) return `${name}@unknown`;
  }
}

/** A stable hash of any JSON-like value (keys canonically ordered). */
export function hashOf(...parts: unknown[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(JSON.stringify(canonicalize(p))).update('\u0000');
  return h.digest('hex');
}

/**
 * A content-addressed cache on disk, under `<project>/node_modules/.cache/shipshape/<bucket>`.
 * Entries are keyed by a hash of every input; a corrupt or unreadable entry is a miss.
 * Writes go through a temp file and a rename, so a crash never leaves half an entry.
 */
export class DiskCache {
  private readonly dir: string;

  constructor(projectDir: string, bucket: string, private readonly enabled = true) {
    this.dir = path.join(projectDir, 'node_modules', '.cache', 'shipshape', bucket);
  }

  public get<T>(key: string): T | undefined {
    if (!this.enabled) return undefined;
    try {
      const entry = JSON.parse(fs.readFileSync(path.join(this.dir, `${key}.json`), 'utf8')) as { key: string; value: T };
      return entry.key === key ? entry.value : undefined;
    } catch {
      return undefined;
    }
  }

  public set(key: string, value: unknown): void {
    if (!this.enabled) return;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      const tmp = path.join(this.dir, `${key}.${process.pid}.tmp`);
      fs.writeFileSync(tmp, JSON.stringify({ key, value }));
      fs.renameSync(tmp, path.join(this.dir, `${key}.json`));
    } catch {
      // A cache that cannot be written only costs speed.
    }
  }
}
