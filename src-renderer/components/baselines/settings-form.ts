/**
 * The Baselines panel's hyper-parameter fields: each a text box over one setting of one model,
 * read back into BaselineSettings (checked by its schema, so the panel refuses what main would).
 */
import { BaselineSettings, DEFAULT_BASELINE_SETTINGS, type BaselineModelName } from '../../../src-shared/baselines/settings';

export type FieldKind = 'number' | 'int' | 'optional-int' | 'gamma';
/** What a field takes, in words (`baselines.settings.rules.*`), as the schema bounds it. */
export type FieldRule = 'C' | 'gamma' | 'depth' | 'minSamples' | 'count' | 'smoothing';
export interface SettingField {
  id: string;
  model: BaselineModelName;
  key: string;
  kind: FieldKind;
  rule: FieldRule;
}

export const SETTING_FIELDS: SettingField[] = [
  { id: 'lr.C', model: 'lr', key: 'C', kind: 'number', rule: 'C' },
  { id: 'svm.C', model: 'svm', key: 'C', kind: 'number', rule: 'C' },
  { id: 'svm.gamma', model: 'svm', key: 'gamma', kind: 'gamma', rule: 'gamma' },
  { id: 'svm-linear.C', model: 'svm-linear', key: 'C', kind: 'number', rule: 'C' },
  { id: 'tree.maxDepth', model: 'tree', key: 'maxDepth', kind: 'optional-int', rule: 'depth' },
  { id: 'tree.minSamples', model: 'tree', key: 'minSamples', kind: 'int', rule: 'minSamples' },
  { id: 'forest.trees', model: 'forest', key: 'trees', kind: 'int', rule: 'count' },
  { id: 'forest.maxDepth', model: 'forest', key: 'maxDepth', kind: 'optional-int', rule: 'depth' },
  { id: 'knn.k', model: 'knn', key: 'k', kind: 'int', rule: 'count' },
  { id: 'nb.varSmoothing', model: 'nb', key: 'varSmoothing', kind: 'number', rule: 'smoothing' },
];

/** The defaults as the text boxes show them (a missing limit as an empty box). */
export function defaultDraft(): Record<string, string> {
  const settings = DEFAULT_BASELINE_SETTINGS as unknown as Record<string, Record<string, unknown>>;
  return Object.fromEntries(SETTING_FIELDS.map((f) => [f.id, settings[f.model]![f.key] === null ? '' : String(settings[f.model]![f.key])]));
}

function parseField(f: SettingField, text: string): unknown {
  const s = text.trim();
  if (f.kind === 'optional-int' && s === '') return null;
  if (f.kind === 'gamma' && s.toLowerCase() === 'scale') return 'scale';
  // Number('') is 0 and Number('1e') NaN: only a complete number counts.
  return s === '' || !Number.isFinite(Number(s)) ? Number.NaN : Number(s);
}

/** The settings the boxes say, or the first field that is not a valid value. */
export function readDraft(draft: Record<string, string>): { settings: BaselineSettings; bad: null } | { settings: null; bad: SettingField } {
  const raw: Record<string, Record<string, unknown>> = {};
  for (const f of SETTING_FIELDS) (raw[f.model] ??= {})[f.key] = parseField(f, draft[f.id] ?? '');
  const parsed = BaselineSettings.safeParse(raw);
  if (parsed.success) return { settings: parsed.data, bad: null };
  const issue = parsed.error.issues[0]!;
  const bad = SETTING_FIELDS.find((f) => f.model === issue.path[0] && f.key === issue.path[1]) ?? SETTING_FIELDS[0]!;
  return { settings: null, bad };
}

/** Whether the boxes still hold the defaults. */
export function isDefault(draft: Record<string, string>): boolean {
  const d = defaultDraft();
  return SETTING_FIELDS.every((f) => (draft[f.id] ?? '').trim() === d[f.id]);
}
