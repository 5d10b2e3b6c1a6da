import pinTable from './data/action-pins.json';

/** A commit an action is pinned to, and the release it corresponds to (shown in a comment). */
export interface ActionPin {
  readonly sha: string;
  readonly version: string;
}

const SHA = /^[0-9a-f]{40}$/;

/** `github/codeql-action/init` → `github/codeql-action`. */
export function actionRepo(uses: string): string {
  return uses.split('@')[0].split('/').slice(0, 2).join('/');
}

/**
 * The table of pinned actions. The defaults were checked against each action's
 * repository; users override or extend them with {@link ActionPins.with}.
 */
export class ActionPins {
  /** The verified default table shipped with shipshape. */
  public static defaults(): ActionPins {
    return new ActionPins(pinTable.actions as Record<string, ActionPin>);
  }

  /** A table given as plain data. */
  public static fromTable(table: Readonly<Record<string, ActionPin>>): ActionPins {
    return new ActionPins(table);
  }

  private constructor(private readonly table: Readonly<Record<string, ActionPin>>) {}

  /** A copy with extra or replaced pins, keyed by `owner/repo`. */
  public with(overrides: Readonly<Record<string, ActionPin>>): ActionPins {
    return new ActionPins({ ...this.table, ...overrides });
  }

  /** The pin for an action (`owner/repo` or `owner/repo/path`), or undefined. */
  public tryFind(uses: string): ActionPin | undefined {
    return this.table[actionRepo(uses)];
  }

  /** Every pinned repository, sorted. */
  public get repos(): string[] {
    return Object.keys(this.table).sort();
  }

  /** The table as plain data. */
  public toJSON(): Record<string, ActionPin> {
    return { ...this.table };
  }
}

/** True when a `uses:` value is pinned to a full commit SHA (or is a local or docker action). */
export function isPinned(uses: string): boolean {
  if (uses.startsWith('./') || uses.startsWith('docker://')) return true;
  const ref = uses.split('@')[1];
  return ref !== undefined && SHA.test(ref);
}

/** Whether a pin's SHA has the right shape. */
export function isSha(value: string): boolean {
  return SHA.test(value);
}
