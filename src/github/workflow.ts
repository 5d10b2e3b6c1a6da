/**
 * The GitHub Actions workflow model: typed, plain data. `uses` holds an
 * action name without a ref (`actions/checkout`); the renderer pins it.
 */

export type PermissionLevel = 'read' | 'write' | 'none';
export type Permissions = Readonly<Record<string, PermissionLevel>>;

export interface StepModel {
  readonly name?: string;
  readonly id?: string;
  readonly if?: string;
  /** `owner/repo[/path]` (pinned by the renderer) or a full `owner/repo@<sha>` reference. */
  readonly uses?: string;
  readonly with?: Readonly<Record<string, string | number | boolean>>;
  readonly env?: Readonly<Record<string, string>>;
  readonly run?: string;
  readonly shell?: string;
  readonly workingDirectory?: string;
  readonly continueOnError?: boolean;
  readonly timeoutMinutes?: number;
}

export interface JobModel {
  readonly id: string;
  readonly name?: string;
  readonly needs: readonly string[];
  readonly if?: string;
  readonly runsOn: string;
  readonly environment?: { readonly name: string; readonly url?: string };
  readonly permissions: Permissions;
  readonly concurrency?: { readonly group: string; readonly cancelInProgress: boolean | string };
  readonly timeoutMinutes: number;
  readonly strategy?: Readonly<Record<string, unknown>>;
  readonly services?: Readonly<Record<string, unknown>>;
  readonly outputs?: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string>>;
  /** Defaults of the job's `run:` steps (`working-directory`, `shell`); `uses:` steps ignore them. */
  readonly defaults?: { readonly run: { readonly workingDirectory?: string; readonly shell?: string } };
  readonly steps: readonly StepModel[];
  /** Raw keys the typed model lacks, merged last. */
  readonly raw?: Readonly<Record<string, unknown>>;
  /** How long the job is expected to take, for the speed budget. Not rendered. */
  readonly expectedMinutes?: number;
}

/** A raw change to the rendered workflow object: set (or, with `value` undefined, delete) the key at `path`. */
export interface WorkflowOverride {
  readonly path: readonly string[];
  readonly value: unknown;
}

export interface WorkflowModel {
  readonly name: string;
  readonly on: Readonly<Record<string, unknown>>;
  readonly permissions: Permissions;
  readonly concurrency?: { readonly group: string; readonly cancelInProgress: boolean | string };
  readonly env?: Readonly<Record<string, string>>;
  readonly jobs: readonly JobModel[];
  /** Raw keys the typed model lacks, merged last. */
  readonly raw?: Readonly<Record<string, unknown>>;
  /** Deep overrides applied to the rendered object, in order, after everything else. */
  readonly overrides?: readonly WorkflowOverride[];
  /** The escape hatches that changed its jobs (`patchJob('lint')`…): the written file is then validated. Not rendered. */
  readonly escapeHatches?: readonly string[];
}
