/**
 * What main says about data (src-shared/messages) reads in the UI's language: a stored Message
 * by its key with its numbers formatted, a plain string from an older file as it is, and the
 * CLI's English text is the same sentence.
 */
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import ImportReportPanel from '../../src-renderer/components/datasets/ImportReportPanel.vue';
import { createStudioI18n } from '../../src-renderer/i18n';
import { say } from '../../src-shared/messages/message';
import type { ImportReport } from '../../src-shared/datasets/schema';

const report: ImportReport = {
  imported: 12_000,
  skipped: [
    { item: 'line 7', reason: say('skipped.csvFields', { n: 3, header: 2 }) },
    // A message inside a message, as main says some errors ("{what} is not valid JSON: …").
    { item: 'runs/rn-abcd1234/run.json', reason: say('errors.file.notJson', { what: say('files.runRecord', { id: 'rn-abcd1234' }), reason: 'Unexpected end' }) },
  ],
  skippedTotal: 1,
  warnings: [say('warnings.raggedRows', { n: 1234 }), 'An old plain warning.'],
  durationMs: 5,
};

function panel(locale: 'en' | 'zh-CN') {
  const i18n = createStudioI18n();
  (i18n.global.locale as unknown as { value: string }).value = locale;
  return mount(ImportReportPanel, { props: { report }, global: { plugins: [i18n] } });
}

describe('messages from main', () => {
  it('are English text for the CLI and files', () => {
    expect(say('warnings.raggedRows', { n: 1234 }).text).toBe('1,234 rows with the wrong number of fields were skipped.');
    expect(say('skipped.csvFields', { n: 3, header: 2 }).text).toBe('has 3 fields, the header has 2');
    expect(report.skipped[1]!.reason).toMatchObject({ text: 'The record of run rn-abcd1234 is not valid JSON: Unexpected end.' });
  });

  it('read in English in the English UI and in Chinese in the Chinese UI; a plain string stays', () => {
    const en = panel('en');
    expect(en.find('[data-testid="report-warnings"]').findAll('li').map((li) => li.text())).toEqual([
      '1,234 rows with the wrong number of fields were skipped.',
      'An old plain warning.',
    ]);
    const zh = panel('zh-CN');
    expect(zh.find('[data-testid="report-warnings"]').findAll('li').map((li) => li.text())).toEqual(['1,234 行字段数不对，已跳过。', 'An old plain warning.']);
    expect(zh.text()).toContain('有 3 个字段，表头有 2 个');
    expect(zh.text()).toContain('训练运行 rn-abcd1234 的记录不是有效的 JSON：Unexpected end。');
    expect(en.text()).toContain('The record of run rn-abcd1234 is not valid JSON: Unexpected end.');
  });
});
