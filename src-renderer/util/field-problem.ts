/**
 * Why a form refuses a field's value, as a rule and a bound rather than English words, so the
 * forms (layer fields, a run's settings, a compression recipe) say it in the UI's language:
 * "Units must be at least 1" / "单元数不能小于 1". The validator's own text is never shown.
 */
import { useI18n } from 'vue-i18n';

export const FIELD_RULES = [
  'atLeast',
  'moreThan',
  'atMost',
  'lessThan',
  'wholeNumber',
  'notNumber',
  'notChoice',
  'sizeLike',
  'required',
  'percentRange',
  'invalid',
] as const;
export type FieldRule = (typeof FIELD_RULES)[number];

export interface FieldProblem {
  rule: FieldRule;
  /** The bound a value broke ("1" in "must be at least 1"). */
  bound?: string;
}

/** The parts of a zod issue the rule comes from. */
export interface IssueLike {
  code: string;
  minimum?: unknown;
  maximum?: unknown;
  inclusive?: boolean;
  expected?: string;
}

const boundOf = (v: unknown): string => (typeof v === 'number' || typeof v === 'bigint' ? String(v) : '');

/** The rule a schema issue breaks. */
export function fieldProblemOf(issue: IssueLike | undefined): FieldProblem {
  if (!issue) return { rule: 'invalid' };
  if (issue.code === 'too_small') return { rule: issue.inclusive === false ? 'moreThan' : 'atLeast', bound: boundOf(issue.minimum) };
  if (issue.code === 'too_big') return { rule: issue.inclusive === false ? 'lessThan' : 'atMost', bound: boundOf(issue.maximum) };
  if (issue.code === 'invalid_type' && issue.expected === 'int') return { rule: 'wholeNumber' };
  if (issue.code === 'invalid_type') return { rule: 'notNumber' };
  if (issue.code === 'invalid_value') return { rule: 'notChoice' };
  return { rule: 'invalid' };
}

/** A field's problem in the UI's language, the field named by its label. */
export function useFieldProblem(): (field: string, p: FieldProblem) => string {
  const { t } = useI18n();
  return (field, p) => t(`fieldProblems.${p.rule}`, { field, n: p.bound ?? '' });
}
