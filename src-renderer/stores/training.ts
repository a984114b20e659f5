/**
 * Training runs: the project's runs (run:list), the selected run with its stored metrics and
 * checkpoints, and the live run the ML worker trains (status, metrics, throughput, memory),
 * with start, pause, resume and stop. Resuming a checkpoint starts a new run (resumedFrom).
 */
import { defineStore } from 'pinia';
import { plain } from '../util/plain';
import { computed, markRaw, ref, shallowRef, watch } from 'vue';
import type { RunDetails } from '../../src-shared/ipc/training-contract';
import type { Backend, HyperParams } from '../../src-shared/runs/hyper-params';
import type { CheckpointMeta } from '../../src-shared/checkpoints/checkpoint-meta';
import type { MetricRecordInput } from '../../src-shared/runs/metrics';
import type { RunRecord, RunStatus } from '../../src-shared/runs/run-record';
import type { ModelSpec } from '../../src-shared/models/spec';
import { useMl, useStudio } from '../bridge';
import { openDataFeed, studioShardReader, type DataFeed } from '../ml/data-feed';
import { useBackendStore } from './backend';
import { useDatasetsStore } from './datasets';
import { useEvaluationStore } from './evaluation';
import { useProjectStore } from './project';
import { firstFreeName } from '../../src-shared/runs/default-name';
import { translate } from '../i18n';
import { RunForwarder } from './run-forwarder';
import { standardizationOf } from '../../src-engine/data/standardization';
import { resumePoint } from '../../src-engine/session/resume';
import { checkpointArtifacts, liveEta, type LiveRun } from './training-live';

export type { LiveRun };

/** What the New run dialog asks for. */
export interface StartRunRequest {
  name?: string;
  modelId: string | null;
  spec: ModelSpec;
  datasetId: string;
  /** hyper.backend is replaced by the backend actually used. */
  hyper: HyperParams;
  backendChoice: 'auto' | Backend;
  resumeFrom?: CheckpointMeta;
}

export const useTrainingStore = defineStore('training', () => {
  const studio = useStudio();
  const ml = useMl();
  const project = useProjectStore();
  const datasets = useDatasetsStore();
  const backend = useBackendStore();
  const runs = ref<RunRecord[]>([]);
  const selectedId = ref<string | null>(null);
  const details = shallowRef<RunDetails | null>(null);
  const checkpoints = ref<CheckpointMeta[]>([]);
  const live = ref<LiveRun | null>(null);
  const starting = ref(false);
  let forwarder: RunForwarder | null = null;
  /** Called once the live run has ended and everything it reported is recorded in main. */
  const idleWaiters: (() => void)[] = [];
  let feeds: DataFeed[] = [];

  const selected = computed(() => runs.value.find((r) => r.id === selectedId.value) ?? details.value?.run ?? null);
  const isLiveSelected = computed(() => !!live.value && live.value.runId === selectedId.value);
  const eta = computed(() => (live.value ? liveEta(live.value) : null));
  const busy = computed(() => starting.value || (!!live.value && (live.value.status === 'running' || live.value.status === 'paused')));

  async function refresh(): Promise<void> {
    if (!project.current) {
      runs.value = [];
      return;
    }
    try {
      runs.value = await studio.call(studio.api.run.list({}));
    } catch (err) {
      project.reportError(err);
    }
  }
  watch(
    () => project.current?.path,
    () => {
      selectedId.value = null;
      details.value = null;
      void refresh();
    },
    { immediate: true },
  );

  function putRun(run: RunRecord): void {
    const i = runs.value.findIndex((r) => r.id === run.id);
    runs.value = i < 0 ? [...runs.value, run] : runs.value.map((r) => (r.id === run.id ? run : r));
  }

  /** Shows a run: its stored metrics (run:get) and its checkpoints. */
  async function select(id: string | null): Promise<void> {
    selectedId.value = id;
    details.value = null;
    checkpoints.value = [];
    if (!id) return;
    try {
      const [d, cks] = await Promise.all([
        studio.call(studio.api.run.get({ runId: id, maxBatchPoints: 2000 })),
        studio.call(studio.api.checkpoint.list({ runId: id })),
      ]);
      if (selectedId.value !== id) return;
      details.value = markRaw(d);
      checkpoints.value = cks;
      putRun(d.run);
    } catch (err) {
      project.reportError(err);
    }
  }

  // --- worker events of the live run ---
  const mine = (runId: string) => (live.value?.runId === runId ? live.value : null);
  ml.on('train:batch', ({ runId, records }) => {
    const l = mine(runId);
    if (!l) return;
    l.batches.push(...records);
    l.last = records.at(-1) ?? l.last;
    l.tick++;
    forwarder?.batches(records);
  });
  ml.on('train:epoch', ({ runId, record }) => {
    const l = mine(runId);
    if (!l) return;
    l.epochs.push(record);
    l.last = record;
    l.tick++;
    forwarder?.epoch(record);
  });
  ml.on('train:checkpoint', ({ runId, artifacts, ...point }) => {
    if (mine(runId)) void forwarder?.checkpoint(artifacts, point);
  });
  ml.on('train:memory', ({ runId, ...m }) => {
    const l = mine(runId);
    if (l) l.memory = m;
  });
  ml.on('train:status', ({ runId, ...update }) => {
    const l = mine(runId);
    if (!l) return;
    const { status } = update;
    l.status = status;
    if (update.status === 'failed') l.error = update.error;
    const f = forwarder;
    if (!f) return;
    void f.status(update).then(async () => {
      if (status === 'running' || status === 'paused') return;
      await f.close();
      await closeFeeds();
      if (forwarder === f) forwarder = null;
      for (const done of idleWaiters.splice(0)) done();
    });
  });

  // Main asks when the run's job is cancelled (job:cancel): the same stop as the Stop button. A run
  // still starting (its worker not yet training) is stopped as soon as it trains.
  const stopWanted = new Set<string>();
  studio.on('run:stopRequested', ({ runId }) => {
    if (live.value?.runId === runId && !starting.value) void control('stop');
    else stopWanted.add(runId);
  });

  async function closeFeeds(): Promise<void> {
    const open = feeds;
    feeds = [];
    await Promise.all(open.map((f) => f.close()));
  }

  /** Picks the backend to train on; says so when the wanted one is not available. */
  /** "Run N" in the UI's language, the first N not taken in this project. */
  function nextRunName(): string {
    const runs = project.current?.manifest.runs ?? [];
    return firstFreeName(runs.map((r) => r.name), (n) => translate('runs.defaultName', { n }), runs.length + 1);
  }

  async function chooseBackend(choice: 'auto' | Backend): Promise<{ used: Backend; notice: { wanted: Backend; used: Backend } | null }> {
    if (choice === 'auto') {
      const used = backend.report?.backend ?? (await ml.request('status', {}))?.backend ?? 'cpu';
      return { used, notice: null };
    }
    const report = await ml.request('backend:use', { backend: choice });
    backend.report = report;
    if (!report.backend) throw new Error('No TensorFlow.js backend works here.');
    return { used: report.backend, notice: report.backend === choice ? null : { wanted: choice, used: report.backend } };
  }

  /** Creates the run record, opens the data feeds and starts the worker; resolves the run id or null. */
  async function start(req: StartRunRequest): Promise<string | null> {
    if (busy.value) return null;
    const manifest = datasets.items.find((d) => d.id === req.datasetId);
    if (!manifest) {
      project.reportError(new Error(`The dataset ${req.datasetId} is not in this project.`));
      return null;
    }
    starting.value = true;
    let runId: string | null = null;
    try {
      const { used, notice } = await chooseBackend(req.backendChoice);
      // Plain copies: reactive proxies cannot cross to the worker (structured clone).
      const hyper: HyperParams = plain({ ...req.hyper, backend: used });
      const spec = plain(req.spec);
      const resumeFrom = req.resumeFrom;
      const loaded = resumeFrom ? await studio.call(studio.api.checkpoint.load({ id: resumeFrom.id, optimizer: true })) : null;
      const resume = resumeFrom && loaded ? resumePoint(checkpointArtifacts(loaded), plain(loaded.meta)) : undefined;
      const run = await studio.call(
        studio.api.run.create({
          // Main picks the free number (another window or the CLI may have made a run meanwhile).
          ...(req.name ? { name: req.name } : { defaultName: translate('runs.defaultName', { n: '{n}' }) }),
          modelId: req.modelId,
          spec,
          datasetId: req.datasetId,
          hyper,
          resumedFrom: resumeFrom ? { checkpointId: resumeFrom.id } : null,
        }),
      );
      runId = run.id;
      putRun(run);
      const read = studioShardReader(studio);
      const train = await openDataFeed(ml, read, manifest, { split: 'train', seed: hyper.seed, shuffle: true });
      feeds.push(train);
      const validation = manifest.splits.validation.count > 0 ? await openDataFeed(ml, read, manifest, { split: 'validation', shuffle: false }) : null;
      if (validation) feeds.push(validation);
      forwarder = new RunForwarder(studio, run.id, {
        nameCheckpoint: (point) => translate(point.kind === 'stop' ? 'runs.checkpointNameStopped' : 'runs.checkpointName', { run: run.name, n: point.epoch + 1 }),
        onCheckpoint: (meta) => {
          if (selectedId.value === meta.runId) checkpoints.value = [...checkpoints.value, meta];
        },
        onRun: putRun,
        onError: (err) => project.reportError(err),
      });
      live.value = {
        runId: run.id,
        name: run.name,
        status: 'running',
        epochsTotal: hyper.epochs,
        startEpoch: resume?.nextEpoch ?? 0,
        batchSize: hyper.batchSize,
        microBatchSize: hyper.batchSize,
        batchesPerEpoch: 0,
        samplesPerEpoch: 0,
        backend: used,
        notice,
        batches: markRaw([] as MetricRecordInput[]),
        epochs: markRaw([] as MetricRecordInput[]),
        last: null,
        memory: null,
        error: null,
        tick: 0,
      };
      await select(run.id);
      const started = await ml.request(
        'train:start',
        { runId: run.id, spec, hyper, standardization: standardizationOf(manifest), feeds: { train: train.plan.feedId, validation: validation?.plan.feedId ?? null }, ...(resume ? { resume } : {}) },
        resume ? [resume.artifacts.weightData, ...(resume.artifacts.optimizer ? [resume.artifacts.optimizer.weightData] : [])] : [],
      );
      if (stopWanted.delete(run.id)) void ml.request('train:stop', { runId: run.id }).catch((err: unknown) => project.reportError(err));
      if (live.value?.runId === run.id) {
        live.value.batchesPerEpoch = started.batchesPerEpoch;
        live.value.samplesPerEpoch = started.samplesPerEpoch;
        live.value.microBatchSize = started.microBatchSize;
      }
      return run.id;
    } catch (err) {
      project.reportError(err);
      await forwarder?.close();
      forwarder = null;
      await closeFeeds();
      if (runId) {
        if (live.value?.runId === runId) live.value.status = 'failed';
        await studio.call(studio.api.run.update({ runId, status: 'failed', error: String((err as Error).message ?? err).slice(0, 2000) })).then(putRun, () => undefined);
      }
      return null;
    } finally {
      starting.value = false;
    }
  }

  /** Whether a run is training or paused, by the live session when it is this window's. */
  function isActive(run: RunRecord): boolean {
    const status = live.value?.runId === run.id ? live.value.status : run.status;
    return status === 'running' || status === 'paused';
  }

  /**
   * Deletes a run with its metrics, checkpoints and evaluations (run:remove), and forgets it here:
   * the list, its open view and an open evaluation of one of its checkpoints. Resolves false
   * (error shown) when main refuses, e.g. while the run trains.
   */
  async function remove(id: string): Promise<boolean> {
    try {
      await studio.call(studio.api.run.remove({ id }));
    } catch (err) {
      project.reportError(err);
      return false;
    }
    runs.value = runs.value.filter((r) => r.id !== id);
    if (selectedId.value === id) {
      selectedId.value = null;
      details.value = null;
      checkpoints.value = [];
    }
    if (live.value?.runId === id) live.value = null;
    const evaluation = useEvaluationStore();
    if (evaluation.open?.runId === id) void evaluation.show(null);
    return true;
  }

  async function control(action: 'pause' | 'resume' | 'stop'): Promise<void> {
    const l = live.value;
    if (!l) return;
    try {
      await ml.request(`train:${action}`, { runId: l.runId });
    } catch (err) {
      project.reportError(err);
    }
  }

  /**
   * Stops the live run, if any, and resolves once its stop checkpoint and status are recorded in
   * main (before a window closes); gives up after `maxMs`.
   */
  async function stopAndWait(maxMs = 120_000): Promise<void> {
    // A run still starting has no id to stop yet: let the start settle (it may also fail) first.
    if (starting.value) {
      await new Promise<void>((done) => {
        const stopWatching = watch(starting, (s) => {
          if (s) return;
          stopWatching();
          done();
        });
        setTimeout(() => (stopWatching(), done()), maxMs);
      });
    }
    if (!busy.value) return;
    const idle = new Promise<void>((done) => {
      idleWaiters.push(done);
      setTimeout(done, maxMs);
    });
    await control('stop');
    await idle;
  }

  return {
    nextRunName,
    runs,
    stopAndWait,
    selectedId,
    selected,
    details,
    checkpoints,
    live,
    starting,
    busy,
    eta,
    isLiveSelected,
    refresh,
    select,
    start,
    isActive,
    remove,
    pause: () => control('pause'),
    resume: () => control('resume'),
    stop: () => control('stop'),
  };
});
