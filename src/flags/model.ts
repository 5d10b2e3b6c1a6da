/** The plain-data form of a feature flag. */
export interface FlagModel {
  readonly path: string;
  readonly name: string;
  readonly description: string;
  /** On or off, per environment name; an environment not listed is off. */
  readonly values: Readonly<Record<string, boolean>>;
}
