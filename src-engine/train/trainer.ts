/**
 * The training loop shared by the renderer's ML worker and the Node CLI: builds (or restores)
 * the model, runs seeded epochs of batches with a per-batch learning rate, validates, stops
 * early, checkpoints every epoch end and on Stop, and can be paused between batches. Hooks
 * (hooks.ts) may replace the loss and the model and act after every step.
 * Environment-neutral: it only needs TensorFlow.js with a backend set.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { Backend } from '../../src-shared/runs/hyper-params';
import type { EpochMetrics, MetricRecordInput } from '../../src-shared/runs/metrics';
import { buildModel } from '../model/build-model';
import { batchTensor, computeStandardization } from '../data/preprocess';
import type { FeatureStandardization } from '../data/standardization';
import { loadModelFromArtifacts, modelArtifacts } from '../model/artifacts';
import { EarlyStopping } from './early-stopping';
import { correctCount, crossEntropy, crossEntropyPerSample } from './loss';
import { createOptimizer, disposeOptimizer, restoreOptimizerState, saveOptimizerState, setLearningRate, type StudioOptimizer } from './optimizer';
import { microBatchSize, sliceRanges } from './micro-batch';
import { learningRateAt } from './schedule';
import { yieldToHost } from './yield-to-host';
import type { LossContext, StepContext, TrainerHooks } from './hooks';
import type { BatchProvider, CheckpointKind, TrainBatch, TrainerOptions, TrainerStatus, TrainResult } from './types';

const now = () => performance.now();

/** What one epoch's training pass produced. */
interface EpochPass {
  step: number;
  batches: number;
  samples: number;
  loss: number;
  accuracy: number;
  lr: number;
  samplesPerSec: number;
  stopped: boolean;
}

/** Trains one model once; create another Trainer for another run. */
export class Trainer {
  private net: LayersModel | null = null;
  private optimizer: StudioOptimizer | null = null;
  private variables: tf.Variable[] = [];
  /** The built model's weights when a model hook's model shares some of them; freed after it. */
  private builtWeights: tf.Variable[] = [];
  private norm: FeatureStandardization | null = null;
  private state: TrainerStatus = 'running';
  private stopRequested = false;
  private gate: { promise: Promise<void>; release(): void } | null = null;
  private started = false;
  /** Samples per slice of a batch (the batch size unless it does not fit in memory). */
  private sliceSize = Number.POSITIVE_INFINITY;

  constructor(private readonly opts: TrainerOptions) {}

  /** The model being trained (null before run() has built it and after it has ended). */
  get model(): LayersModel | null {
    return this.net;
  }

  /** The tabular standardisation in use (null for images and text). */
  get standardization(): FeatureStandardization | null {
    return this.norm;
  }

  /** Samples per gradient slice of a batch: the batch size, or less when a batch does not fit in memory. */
  get microBatchSize(): number {
    return Math.min(this.sliceSize, this.opts.hyper.batchSize);
  }

  get status(): TrainerStatus {
    return this.state;
  }

  /** Holds training before the next batch until resume() or stop(). */
  pause(): void {
    if (this.state !== 'running' || this.gate || this.stopRequested) return;
    let release!: () => void;
    const promise = new Promise<void>((res) => (release = res));
    // The status turns 'paused' when the loop reaches the gate, after the batch in flight, so no
    // metric arrives once the UI says paused.
    this.gate = { promise, release };
  }

  /** Lets a paused run continue. */
  resume(): void {
    if (!this.gate) return;
    const gate = this.gate;
    this.gate = null;
    if (this.state === 'paused') this.setStatus('running');
    gate.release();
  }

  /**
   * Ends the run after the current batch, with a 'stop' checkpoint; none when no batch ran since
   * the last checkpoint (a Stop during an epoch end), which already holds that state.
   */
  stop(): void {
    this.stopRequested = true;
    const gate = this.gate;
    this.gate = null;
    gate?.release();
  }

  /** Trains until the last epoch, early stopping or stop(); rejects (status 'failed') on errors. */
  async run(): Promise<TrainResult> {
    if (this.started) throw new Error('A Trainer runs once');
    this.started = true;
    try {
      return await this.train();
    } catch (err) {
      this.setStatus('failed');
      throw err;
    } finally {
      // The checkpoints carry the result; nothing of the run stays on the backend.
      this.dispose();
    }
  }

  /** Frees the model and the optimizer's state (run() does it when it ends). */
  dispose(): void {
    this.net?.dispose();
    // What the model's dispose left of them (layers used twice count two references).
    tf.dispose(this.builtWeights.filter((v) => !v.isDisposed));
    this.builtWeights = [];
    if (this.optimizer) disposeOptimizer(this.optimizer);
    this.net = null;
    this.optimizer = null;
    this.variables = [];
  }

  private setStatus(status: TrainerStatus): void {
    if (this.state === status) return;
    this.state = status;
    this.opts.callbacks?.onStatus?.(status);
  }

  private async prepare(): Promise<void> {
    const { spec, hyper, resume, train } = this.opts;
    this.optimizer = createOptimizer(hyper);
    if (resume) {
      this.net = await loadModelFromArtifacts(resume.artifacts);
      if (resume.artifacts.optimizer) await restoreOptimizerState(this.optimizer, resume.artifacts.optimizer);
    } else {
      this.net = buildModel(spec, { seed: hyper.seed });
    }
    const hooks = this.opts.hooks;
    if (hooks?.model) {
      // Until the hook returns, the built model is this.net, so a failing hook leaves nothing behind.
      const built = this.net;
      const chosen = await hooks.model({ spec, hyper, built, resumed: !!resume });
      if (chosen !== built) {
        this.net = chosen;
        // A model grown from the built one's layers holds their weights: those go when it goes.
        const held = new Set(chosen.weights);
        if (built.weights.some((w) => held.has(w))) this.builtWeights = built.weights.map((w) => w.read() as tf.Variable);
        else built.dispose();
      }
    }
    this.variables = this.net.trainableWeights.map((w) => w.read() as tf.Variable);
    // The backend actually running (a WebGPU request may have fallen back) sets the memory budget.
    const running = Backend.safeParse(tf.getBackend()).data ?? hyper.backend;
    this.sliceSize = Math.min(microBatchSize(spec, hyper.batchSize, running), this.opts.maxMicroBatch ?? Number.POSITIVE_INFINITY);
    if (spec.input.kind === 'tabular') {
      this.norm = this.opts.standardization ?? (await computeStandardization(train, spec.input.features.length));
    }
  }

  private async train(): Promise<TrainResult> {
    const { hyper, validation, resume, callbacks: cb = {} } = this.opts;
    await this.prepare();
    this.setStatus('running');
    const batchesPerEpoch = Math.max(1, Math.ceil(this.opts.train.count / hyper.batchSize));
    let step = resume?.step ?? 0;
    let epochsDone = 0;
    let last: EpochMetrics | null = null;
    // A resumed run counts patience on from its checkpoint, as if it had never stopped.
    const monitor = new EarlyStopping(hyper.earlyStopping, resume?.earlyStopping);
    let outcome: TrainResult['status'] = 'completed';
    // The step the last checkpoint holds (the one resumed from, or the last epoch end's).
    let saved: number | null = resume ? resume.step : null;
    for (let epoch = resume?.nextEpoch ?? 0; epoch < hyper.epochs; epoch++) {
      const pass = await this.trainEpoch(epoch, step, batchesPerEpoch);
      step = pass.step;
      if (pass.stopped) {
        // A Stop that lands during an epoch end stops before the next batch: that checkpoint already holds this state.
        if (pass.batches > 0 || saved !== step) {
          const partial = pass.batches ? { epoch, step, loss: pass.loss, accuracy: pass.accuracy, valLoss: null, valAccuracy: null } : null;
          await this.checkpoint('stop', epoch, step, partial, monitor);
        }
        outcome = 'stopped';
        break;
      }
      const val = validation ? await this.evaluateLoss(validation) : null;
      const metrics: EpochMetrics = {
        epoch,
        step,
        loss: pass.loss,
        accuracy: pass.accuracy,
        valLoss: val ? val.loss : null,
        valAccuracy: val ? val.accuracy : null,
      };
      epochsDone++;
      last = metrics;
      const record: MetricRecordInput = { kind: 'epoch', ...metrics, lr: pass.lr, samplesPerSec: pass.samplesPerSec, time: Date.now() };
      await cb.onEpoch?.(record, metrics);
      // The validation loss decides best and early stopping; the training loss when there is none.
      const early = monitor.update(metrics, val ? val.loss : pass.loss);
      await this.checkpoint(early || epoch === hyper.epochs - 1 ? 'final' : 'epoch', epoch, step, metrics, monitor);
      saved = step;
      if (early) {
        outcome = 'early-stopped';
        break;
      }
    }
    this.setStatus(outcome === 'stopped' ? 'stopped' : 'completed');
    return { status: outcome, epochsDone, step, last, best: monitor.best };
  }

  private async trainEpoch(epoch: number, startStep: number, batchesPerEpoch: number): Promise<EpochPass> {
    const { hyper, train, callbacks: cb = {} } = this.opts;
    const out: EpochPass = { step: startStep, batches: 0, samples: 0, loss: NaN, accuracy: NaN, lr: 0, samplesPerSec: 0, stopped: false };
    let lossSum = 0;
    let correct = 0;
    // Time spent training, paused time left out, for samples/s.
    let active = 0;
    let since = now();
    const augment = hyper.augmentation ?? undefined;
    const it = train.epoch(epoch, { batchSize: hyper.batchSize, ...(augment ? { augment } : {}) })[Symbol.asyncIterator]();
    try {
      for (;;) {
        if (this.gate) {
          active += now() - since;
          this.setStatus('paused');
          await this.gate.promise;
          since = now();
        }
        if (this.stopRequested) {
          out.stopped = true;
          break;
        }
        const next = await it.next();
        if (next.done) break;
        const batch = next.value;
        const lr = learningRateAt(hyper, { epoch, batch: out.batches, batchesPerEpoch, step: out.step });
        setLearningRate(this.optimizer!, lr);
        const r = await this.trainBatch(batch, out.step + 1);
        out.step++;
        await this.afterStep(out.step, epoch);
        out.batches++;
        out.samples += batch.size;
        lossSum += r.loss * batch.size;
        correct += r.correct;
        out.lr = lr;
        const seconds = (active + now() - since) / 1000;
        out.samplesPerSec = seconds > 0 ? out.samples / seconds : 0;
        cb.onBatch?.({
          kind: 'batch',
          epoch,
          batch: out.batches - 1,
          step: out.step,
          loss: r.loss,
          accuracy: r.correct / batch.size,
          lr,
          samplesPerSec: out.samplesPerSec,
          time: Date.now(),
        });
        // A turn for the host between batches: Pause and Stop act after this batch on every backend.
        await yieldToHost();
      }
    } finally {
      await it.return?.();
    }
    if (out.samples) {
      out.loss = lossSum / out.samples;
      out.accuracy = correct / out.samples;
    }
    return out;
  }

  /**
   * One optimiser step; resolves to the batch's mean loss and its number of correct predictions.
   * A batch bigger than the backend's memory budget runs as slices whose gradients, each weighted
   * by its share of the batch, add up to the whole batch's (see micro-batch.ts).
   */
  private async trainBatch(batch: TrainBatch, step: number): Promise<{ loss: number; correct: number }> {
    const model = this.net!;
    const hooks = this.opts.hooks?.loss ? this.opts.hooks : null;
    const optimizer = this.optimizer!;
    const vars = this.variables;
    const x = batchTensor(this.opts.spec.input, batch, this.norm);
    const y = tf.tensor1d(batch.y, 'int32');
    const n = batch.y.length;
    const slices = sliceRanges(n, Math.min(n, this.sliceSize));
    let sum: Record<string, tf.Tensor> = {};
    const losses: tf.Scalar[] = [];
    const hits: tf.Scalar[] = [];
    try {
      for (const [start, end] of slices) {
        const whole = slices.length === 1;
        const grads = tf.tidy(() => {
          const xs = whole ? x : tf.slice(x, start, end - start);
          const ys = whole ? y : tf.slice(y, start, end - start);
          const { value, grads: g } = tf.variableGrads(() => {
            const probs = model.apply(xs, { training: true }) as tf.Tensor;
            // Kept past the gradient scope, which disposes everything but the loss.
            hits.push(tf.keep(correctCount(probs, ys)));
            const loss = hooks ? this.hookLoss(hooks, { outputs: probs, labels: ys, inputs: xs, model, step, training: true }) : crossEntropy(probs, ys);
            return tf.mul(loss, (end - start) / n) as tf.Scalar;
          }, vars);
          losses.push(tf.keep(value));
          return g;
        });
        const next: Record<string, tf.Tensor> = {};
        for (const [name, g] of Object.entries(grads)) {
          const before = sum[name];
          next[name] = before ? tf.add(before, g) : g;
          if (before) tf.dispose([before, g]);
        }
        sum = next;
      }
      // Every variable in a fixed order: the optimisers key their slots by position.
      tf.tidy(() => optimizer.applyGradients(vars.map((v) => ({ name: v.name, tensor: sum[v.name] ?? tf.zerosLike(v) }))));
      const [lossT, correctT] = tf.tidy(() => [tf.addN(losses), tf.addN(hits)]);
      const [loss, correct] = await Promise.all([lossT!.data(), correctT!.data()]);
      tf.dispose([lossT!, correctT!]);
      return { loss: loss[0]!, correct: correct[0]! };
    } finally {
      tf.dispose([x, y, ...losses, ...hits, ...Object.values(sum)]);
    }
  }

  /** The loss hook's loss of a slice, checked to be a scalar. */
  private hookLoss(hooks: TrainerHooks, ctx: LossContext): tf.Scalar {
    const loss = hooks.loss!(ctx);
    if (!(loss instanceof tf.Tensor) || loss.rank !== 0) {
      throw new Error(`The loss hook must return a scalar tensor (got ${loss instanceof tf.Tensor ? `shape [${loss.shape.join(', ')}]` : typeof loss})`);
    }
    return loss;
  }

  /** Runs the after-step hook, its synchronous part inside tf.tidy (see hooks.ts). */
  private async afterStep(step: number, epoch: number): Promise<void> {
    const hooks = this.opts.hooks;
    if (!hooks?.afterStep) return;
    const ctx: StepContext = { step, epoch, variables: this.variables, model: this.net! };
    let pending: void | Promise<void> = undefined;
    tf.tidy(() => {
      // Called on the hooks object, so a class implementing TrainerHooks keeps its `this`.
      pending = hooks.afterStep!(ctx);
    });
    await pending;
  }

  /**
   * Mean loss and accuracy over one pass of a provider (inference mode). Always cross-entropy,
   * whatever the loss hook: the monitored metric (early stopping, best checkpoint) is the task loss.
   */
  private async evaluateLoss(provider: BatchProvider): Promise<{ loss: number; accuracy: number }> {
    const model = this.net!;
    let lossSum = 0;
    let correct = 0;
    let n = 0;
    // Slices as training uses: a batch that does not fit for training may not fit here either.
    for await (const batch of provider.epoch(0, { batchSize: this.microBatchSize })) {
      const x = batchTensor(this.opts.spec.input, batch, this.norm);
      const y = tf.tensor1d(batch.y, 'int32');
      const [l, c] = tf.tidy(() => {
        const probs = model.predict(x) as tf.Tensor;
        return [tf.sum(crossEntropyPerSample(probs, y)), correctCount(probs, y)];
      });
      const [lv, cv] = await Promise.all([l.data(), c.data()]);
      tf.dispose([x, y, l, c]);
      lossSum += lv[0]!;
      correct += cv[0]!;
      n += batch.size;
      // As in training: timers, Ctrl+C and the worker's messages get their turn during validation.
      await yieldToHost();
    }
    return n ? { loss: lossSum / n, accuracy: correct / n } : { loss: NaN, accuracy: NaN };
  }

  private async checkpoint(kind: CheckpointKind, epoch: number, step: number, metrics: EpochMetrics | null, monitor: EarlyStopping): Promise<void> {
    const save = this.opts.callbacks?.onCheckpoint;
    if (!save) return;
    const model = await modelArtifacts(this.net!);
    const optimizer = await saveOptimizerState(this.optimizer!);
    await save({ ...model, optimizer }, { epoch, step, kind, metrics, earlyStopping: monitor.state() });
  }
}
