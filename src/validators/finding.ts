/** One finding of a third-party validator or a policy rule, on one generated file. */
export interface Finding {
  readonly validator: string;
  readonly file: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly rule: string;
  readonly message: string;
  readonly line?: number;
}

/** `file:line [validator/rule] message` */
export function formatFinding(f: Finding): string {
  return `${f.file}${f.line !== undefined ? `:${f.line}` : ''} [${f.validator}/${f.rule}] ${f.severity}: ${f.message}`;
}
