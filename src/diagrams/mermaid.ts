/**
 * A small Mermaid flowchart writer. Every node id is made by `Flowchart.id` (a kind prefix and the name's
 * letters and digits, made unique), so no name can produce a reserved word (`end`, `subgraph`, `class`, ...);
 * every label goes through `text`, which writes anything but plain letters, digits and a few safe signs as a
 * Mermaid entity code (`#35;`), so quotes, brackets, pipes, `<`, backticks and newlines cannot end a label.
 */

export type Shape = 'box' | 'round' | 'stadium' | 'cylinder' | 'hexagon' | 'circle';
export type EdgeStyle = 'solid' | 'thick' | 'dotted';

const SHAPES: Record<Shape, readonly [string, string]> = {
  box: ['[', ']'],
  round: ['(', ')'],
  stadium: ['([', '])'],
  cylinder: ['[(', ')]'],
  hexagon: ['{{', '}}'],
  circle: ['((', '))'],
};
const ARROWS: Record<EdgeStyle, string> = { solid: '-->', thick: '==>', dotted: '-.->' };

/** A label's text as Mermaid reads it inside quotes: entity codes for everything outside a small safe set. */
export function text(raw: string): string {
  let out = '';
  for (const ch of raw.replace(/\s+/g, ' ')) {
    out += /^[A-Za-z0-9 _.,:/()+=@-]$/.test(ch) ? ch : `#${ch.codePointAt(0)};`;
  }
  return out;
}

/** Lines of escaped text, as one quoted label. */
export function label(lines: readonly string[]): string {
  return `"${lines.filter((l) => l.length > 0).map(text).join('<br/>')}"`;
}

interface Node { readonly id: string; readonly label: readonly string[]; readonly shape: Shape }
interface Group { readonly id: string; readonly title: string; readonly members: Array<Node | Group> }
export interface Edge { readonly from: string; readonly to: string; readonly style: EdgeStyle; readonly label?: string }

/** A flowchart built in order and written once: nodes (optionally in subgraphs), edges, classes. */
export class Flowchart {
  private readonly ids = new Map<string, string>();
  private readonly used = new Set<string>();
  private readonly root: Group = { id: '', title: '', members: [] };
  private readonly stack: Group[] = [this.root];
  private readonly edgeList: Edge[] = [];
  private readonly classDefs = new Map<string, string>();
  private readonly classes = new Map<string, string[]>();

  constructor(private readonly direction: 'LR' | 'TB' = 'LR') {}

  /** The id of `(kind, name)`: the same pair always gives the same id; different pairs never share one. */
  public id(kind: string, name: string): string {
    const key = `${kind}\u0000${name}`;
    const known = this.ids.get(key);
    if (known) return known;
    const base = `${kind.replace(/[^A-Za-z0-9]/g, '') || 'n'}_${name.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '')}`;
    let id = base;
    for (let i = 2; this.used.has(id); i++) id = `${base}_${i}`;
    this.used.add(id);
    this.ids.set(key, id);
    return id;
  }

  public node(id: string, lines: readonly string[], shape: Shape = 'box'): string {
    this.stack[this.stack.length - 1].members.push({ id, label: lines, shape });
    return id;
  }

  /** Nodes and subgraphs added inside `body` belong to the subgraph `id`. */
  public group(id: string, title: string, body: () => void): string {
    const g: Group = { id, title, members: [] };
    this.stack[this.stack.length - 1].members.push(g);
    this.stack.push(g);
    try {
      body();
    } finally {
      this.stack.pop();
    }
    return id;
  }

  public edge(from: string, to: string, style: EdgeStyle = 'solid', edgeLabel?: string): void {
    this.edgeList.push({ from, to, style, label: edgeLabel });
  }

  public classDef(name: string, css: string): void {
    this.classDefs.set(name, css);
  }

  public addClass(id: string, name: string): void {
    this.classes.set(name, [...(this.classes.get(name) ?? []), id]);
  }

  public get edges(): readonly Edge[] {
    return this.edgeList;
  }

  public render(): string {
    const lines = [`flowchart ${this.direction}`];
    const write = (members: ReadonlyArray<Node | Group>, indent: string) => {
      for (const m of members) {
        if ('members' in m) {
          lines.push(`${indent}subgraph ${m.id}[${label([m.title])}]`);
          write(m.members, `${indent}  `);
          lines.push(`${indent}end`);
        } else {
          const [open, close] = SHAPES[m.shape];
          lines.push(`${indent}${m.id}${open}${label(m.label)}${close}`);
        }
      }
    };
    write(this.root.members, '  ');
    for (const e of this.edgeList) {
      lines.push(`  ${e.from} ${ARROWS[e.style]}${e.label ? `|${label([e.label])}|` : ''} ${e.to}`);
    }
    for (const [name, css] of this.classDefs) lines.push(`  classDef ${name} ${css}`);
    for (const [name, ids] of this.classes) lines.push(`  class ${ids.join(',')} ${name}`);
    return lines.join('\n');
  }
}

/** A Markdown code block GitHub renders as a diagram. */
export function mermaidBlock(chart: Flowchart): string {
  return ['```mermaid', chart.render(), '```'].join('\n');
}
