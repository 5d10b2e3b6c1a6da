import { Document, Scalar, isScalar, visit } from 'yaml';

/**
 * Stable serialization. Determinism belongs here, not in the renderers:
 * - object keys get a canonical order: a fixed head (per output), then the rest sorted;
 * - arrays keep their order, because order means something (steps, stages);
 * - YAML is emitted with fixed settings (`lineWidth: 0`, indent 2, YAML 1.2 core schema);
 * - no timestamps, ever.
 */

/** Per-output ordering: given the key path of an object, the keys that must come first. */
export type KeyOrder = (path: readonly string[]) => readonly string[] | 'preserve' | undefined;

/** Deeply copy `value`, ordering every object's keys by `order` (head keys first, then sorted). */
export function canonicalize(value: unknown, order: KeyOrder = () => undefined, path: readonly string[] = []): unknown {
  if (Array.isArray(value)) return value.map((v) => canonicalize(v, order, [...path, '[]']));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
  const head = order(path);
  let ordered: string[];
  if (head === 'preserve') {
    ordered = keys;
  } else {
    const first = (head ?? []).filter((k) => keys.includes(k));
    const rest = keys.filter((k) => !first.includes(k)).sort(compareKeys);
    ordered = [...first, ...rest];
  }
  const out: Record<string, unknown> = {};
  for (const k of ordered) out[k] = canonicalize(obj[k], order, [...path, k]);
  return out;
}

/** Locale-independent key comparison (never `localeCompare`, whose result depends on the machine). */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface YamlOptions {
  /** Comment lines put at the top of the file (without the leading `#`). */
  readonly header?: readonly string[];
  readonly order?: KeyOrder;
  /** A comment to put after a scalar value, on the same line (for example an action's release). */
  readonly trailingComment?: (key: string, value: string) => string | undefined;
}

/** Serialize to YAML with pinned emitter settings. */
export function toYaml(value: unknown, options: YamlOptions = {}): string {
  const doc = new Document(canonicalize(value, options.order), { version: '1.2' });
  // Multi-line strings read best as literal blocks (`run: |`).
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && node.value.includes('\n')) node.type = Scalar.BLOCK_LITERAL;
    },
    Pair(_key, pair) {
      if (!options.trailingComment || !isScalar(pair.key) || !isScalar(pair.value)) return;
      if (typeof pair.value.value !== 'string') return;
      const comment = options.trailingComment(String(pair.key.value), pair.value.value);
      if (comment) pair.value.comment = ` ${comment}`;
    },
  });
  const body = doc.toString({ lineWidth: 0, minContentWidth: 0, indent: 2, indentSeq: true, defaultStringType: 'PLAIN', defaultKeyType: 'PLAIN' });
  const header = (options.header ?? []).map((l) => (l ? `# ${l}` : '#')).join('\n');
  return header ? `${header}\n${body}` : body;
}

/** Serialize to JSON with canonical key order, a fixed indent (2 unless given) and a final newline. */
export function toJson(value: unknown, order?: KeyOrder, indent = 2): string {
  return `${JSON.stringify(canonicalize(value, order), null, indent)}\n`;
}
