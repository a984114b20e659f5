/**
 * The OS side of long work, told to the shell: what runs in this window and how far it is
 * (`shell:activity`: taskbar or dock progress, the machine kept awake while a run trains), and
 * a system notification when a run, a compression or an export that took a while ends
 * (`shell:notify`; the shell shows it only when the window is not focused). The web host has
 * neither and says so; nothing here depends on the answer.
 */
import { computed, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import type { RequestOf } from '../../src-shared/ipc/contract';
import { useStudio } from '../bridge';
import { useCompressionStore } from '../stores/compression';
import { useExportsStore } from '../stores/exports';
import { useTrainingStore, type LiveRun } from '../stores/training';

/** Jobs shorter than this end without a notification. */
const NOTIFY_AFTER_MS = 10_000;

/** How far a live run is, 0..1 over all its epochs' batches, or null before its first batch. */
export function runProgress(l: LiveRun): number | null {
  const r = l.last;
  if (!r || l.batchesPerEpoch === 0 || l.epochsTotal === 0) return null;
  const done = r.kind === 'epoch' ? (r.epoch + 1) * l.batchesPerEpoch : r.epoch * l.batchesPerEpoch + (r.batch ?? 0) + 1;
  return Math.min(1, done / (l.epochsTotal * l.batchesPerEpoch));
}

export function useShellActivity(): void {
  const studio = useStudio();
  const { t } = useI18n();
  const training = useTrainingStore();
  const compression = useCompressionStore();
  const exportsStore = useExportsStore();

  const activity = computed<RequestOf<'shell:activity'>>(() => {
    const l = training.live;
    if (l && (l.status === 'running' || l.status === 'paused')) {
      void l.tick; // follow the batches
      return { kind: 'training', progress: runProgress(l) };
    }
    const c = compression.job;
    if (c) return { kind: 'compression', progress: c.total > 0 ? Math.min(1, c.done / c.total) : null };
    const e = exportsStore.running[0];
    if (e) return { kind: 'export', progress: e.progress };
    return { kind: null, progress: null };
  });
  // Whole percents: the taskbar needs no more, and the channel stays quiet.
  let sent = '';
  watch(
    activity,
    (a) => {
      const progress = a.progress === null ? null : Math.round(a.progress * 100) / 100;
      const key = `${a.kind}:${progress}`;
      if (key === sent) return;
      sent = key;
      void studio.api.shell.activity({ kind: a.kind, progress });
    },
    { immediate: true },
  );

  const notify = (title: string, body: string, startedAt: number | null) => {
    if (startedAt !== null && performance.now() - startedAt >= NOTIFY_AFTER_MS) void studio.api.shell.notify({ title, body });
  };
  let runStarted: number | null = null;
  watch(
    () => [training.live?.runId, training.live?.status] as const,
    ([runId, status], [beforeId, before]) => {
      const active = status === 'running' || status === 'paused';
      if (active && (beforeId !== runId || !(before === 'running' || before === 'paused'))) runStarted = performance.now();
      if (!active && (before === 'running' || before === 'paused') && status && runId === beforeId) {
        notify(t(`shell.run.${status}`, { name: training.live?.name ?? '' }), t('shell.runBody', { epochs: training.live?.epochs.length ?? 0 }), runStarted);
        runStarted = null;
      }
    },
  );
  let compressionStarted: number | null = null;
  watch(
    () => compression.job?.jobId ?? null,
    (now, before) => {
      if (now && !before) compressionStarted = performance.now();
      if (!now && before) {
        notify(t('shell.compressionEnded'), t('shell.compressionBody'), compressionStarted);
        compressionStarted = null;
      }
    },
  );
  const exportStarts = new Map<string, number>();
  watch(
    () => exportsStore.running.map((j) => j.id),
    (now, before = []) => {
      for (const id of now) if (!exportStarts.has(id)) exportStarts.set(id, performance.now());
      for (const id of before) {
        if (now.includes(id)) continue;
        notify(t('shell.exportEnded'), t('shell.exportBody'), exportStarts.get(id) ?? null);
        exportStarts.delete(id);
      }
    },
    { immediate: true },
  );
}
