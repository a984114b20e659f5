/*
 * Model Studio's custom TensorFlow.js layers (MultiHeadAttention, TokenAndPositionEmbedding,
 * PatchEmbedding, SequenceMeanPool, LayerNorm, StudioFakeQuant), registered with the global `tf`.
 * Load @tensorflow/tfjs first (in Node: globalThis.tf = require('@tensorflow/tfjs')), then this
 * file, then tf.loadLayersModel('model.json'). Generated from the studio's sources; do not edit.
 */
(() => {
  var __create = Object.create;
  var __defProp = Object.defineProperty;
  var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
  var __getOwnPropNames = Object.getOwnPropertyNames;
  var __getProtoOf = Object.getPrototypeOf;
  var __hasOwnProp = Object.prototype.hasOwnProperty;
  var __defNormalProp = (obj, key, value) => key in obj ? __defProp(obj, key, { enumerable: true, configurable: true, writable: true, value }) : obj[key] = value;
  var __commonJS = (cb, mod) => function __require() {
    try {
      return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
    } catch (e) {
      throw mod = 0, e;
    }
  };
  var __copyProps = (to, from, except, desc) => {
    if (from && typeof from === "object" || typeof from === "function") {
      for (let key of __getOwnPropNames(from))
        if (!__hasOwnProp.call(to, key) && key !== except)
          __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
    }
    return to;
  };
  var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
    // If the importer is in node compatibility mode or this is not an ESM
    // file that has been converted to a CommonJS file using a Babel-
    // compatible transform (i.e. "__esModule" has not been set), then set
    // "default" to the CommonJS "module.exports" for node compatibility.
    isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
    mod
  ));
  var __publicField = (obj, key, value) => __defNormalProp(obj, typeof key !== "symbol" ? key + "" : key, value);

  // global-tf:@tensorflow/tfjs-core
  var require_tfjs_core = __commonJS({
    "global-tf:@tensorflow/tfjs-core"(exports, module) {
      if (typeof globalThis.tf === "undefined") throw new Error("Load @tensorflow/tfjs before studio-layers.js");
      module.exports = globalThis.tf;
    }
  });

  // global-tf:@tensorflow/tfjs-layers
  var require_tfjs_layers = __commonJS({
    "global-tf:@tensorflow/tfjs-layers"(exports, module) {
      if (typeof globalThis.tf === "undefined") throw new Error("Load @tensorflow/tfjs before studio-layers.js");
      module.exports = globalThis.tf;
    }
  });

  // src-engine/layers/register-layers.ts
  var tf6 = __toESM(require_tfjs_core(), 1);

  // src-engine/layers/fake-quant.ts
  var tf = __toESM(require_tfjs_core(), 1);
  var import_tfjs_layers = __toESM(require_tfjs_layers(), 1);
  function uint8Params(min, max) {
    const lo = Math.min(0, min);
    const hi = Math.max(0, max);
    if (hi === lo) return { scale: 1, zeroPoint: 0 };
    const scale = (hi - lo) / 255;
    return { scale, zeroPoint: Math.max(0, Math.min(255, Math.round(-lo / scale))) };
  }
  var FakeQuant = class extends import_tfjs_layers.layers.Layer {
    constructor(args) {
      super(args);
      __publicField(this, "min");
      __publicField(this, "max");
      if (!Number.isFinite(args.min) || !Number.isFinite(args.max) || args.min > args.max) {
        throw new Error(`FakeQuant needs a finite range, got [${args.min}, ${args.max}]`);
      }
      this.min = args.min;
      this.max = args.max;
    }
    computeOutputShape(inputShape) {
      return inputShape;
    }
    call(inputs) {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const { scale, zeroPoint } = uint8Params(this.min, this.max);
      const quantize = tf.customGrad(((t) => {
        const value = tf.tidy(() => {
          const q = tf.clipByValue(tf.add(tf.round(tf.div(t, scale)), zeroPoint), 0, 255);
          return tf.mul(tf.sub(q, zeroPoint), scale);
        });
        return { value, gradFunc: (dy) => dy };
      }));
      return quantize(x);
    }
    getConfig() {
      return { ...super.getConfig(), min: this.min, max: this.max };
    }
  };
  __publicField(FakeQuant, "className", "StudioFakeQuant");

  // src-engine/layers/embeddings.ts
  var tf2 = __toESM(require_tfjs_core(), 1);
  var import_tfjs_layers2 = __toESM(require_tfjs_layers(), 1);
  var embeddingInit = (seed, offset) => import_tfjs_layers2.initializers.randomNormal({ mean: 0, stddev: 0.02, seed: seed == null ? void 0 : seed + offset });
  var TokenAndPositionEmbedding = class extends import_tfjs_layers2.layers.Layer {
    constructor(args) {
      super(args);
      __publicField(this, "vocabSize");
      __publicField(this, "seqLength");
      __publicField(this, "dim");
      __publicField(this, "seed");
      __publicField(this, "tokens", null);
      __publicField(this, "positions", null);
      this.vocabSize = args.vocabSize;
      this.seqLength = args.seqLength;
      this.dim = args.dim;
      this.seed = args.seed ?? null;
    }
    build() {
      this.tokens = this.addWeight("token_embeddings", [this.vocabSize, this.dim], "float32", embeddingInit(this.seed, 0));
      this.positions = this.addWeight("position_embeddings", [this.seqLength, this.dim], "float32", embeddingInit(this.seed, 1));
      this.built = true;
    }
    computeOutputShape(inputShape) {
      const shape = inputShape;
      return [shape[0] ?? null, this.seqLength, this.dim];
    }
    call(inputs) {
      return tf2.tidy(() => {
        const ids = tf2.cast(Array.isArray(inputs) ? inputs[0] : inputs, "int32");
        if (!this.tokens || !this.positions) throw new Error("TokenAndPositionEmbedding used before build");
        const safe = tf2.minimum(tf2.maximum(ids, tf2.scalar(0, "int32")), tf2.scalar(this.vocabSize - 1, "int32"));
        return tf2.add(tf2.gather(this.tokens.read(), safe), this.positions.read());
      });
    }
    getConfig() {
      return { ...super.getConfig(), vocabSize: this.vocabSize, seqLength: this.seqLength, dim: this.dim, seed: this.seed };
    }
  };
  __publicField(TokenAndPositionEmbedding, "className", "TokenAndPositionEmbedding");
  var PatchEmbedding = class extends import_tfjs_layers2.layers.Layer {
    constructor(args) {
      super(args);
      __publicField(this, "patchSize");
      __publicField(this, "dim");
      __publicField(this, "seed");
      __publicField(this, "kernel", null);
      __publicField(this, "bias", null);
      __publicField(this, "positions", null);
      this.patchSize = args.patchSize;
      this.dim = args.dim;
      this.seed = args.seed ?? null;
    }
    patchCount(shape) {
      const [, h, w] = shape;
      if (h == null || w == null) throw new Error("PatchEmbedding needs a known image height and width");
      return Math.floor(h / this.patchSize) * Math.floor(w / this.patchSize);
    }
    build(inputShape) {
      const shape = inputShape;
      const channels = shape[3];
      if (channels == null) throw new Error("PatchEmbedding needs a known channel count");
      const p = this.patchSize;
      const seed = this.seed == null ? void 0 : this.seed;
      this.kernel = this.addWeight("kernel", [p, p, channels, this.dim], "float32", import_tfjs_layers2.initializers.glorotUniform({ seed }));
      this.bias = this.addWeight("bias", [this.dim], "float32", import_tfjs_layers2.initializers.zeros());
      this.positions = this.addWeight("position_embeddings", [this.patchCount(shape), this.dim], "float32", embeddingInit(this.seed, 1));
      this.built = true;
    }
    computeOutputShape(inputShape) {
      const shape = inputShape;
      return [shape[0] ?? null, this.patchCount(shape), this.dim];
    }
    call(inputs) {
      return tf2.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        if (!this.kernel || !this.bias || !this.positions) throw new Error("PatchEmbedding used before build");
        const p = this.patchSize;
        const patches = tf2.conv2d(x, this.kernel.read(), p, "valid");
        const [b, ph, pw] = patches.shape;
        const seq = tf2.reshape(tf2.add(patches, this.bias.read()), [b, ph * pw, this.dim]);
        return tf2.add(seq, this.positions.read());
      });
    }
    getConfig() {
      return { ...super.getConfig(), patchSize: this.patchSize, dim: this.dim, seed: this.seed };
    }
  };
  __publicField(PatchEmbedding, "className", "PatchEmbedding");

  // src-engine/layers/layer-norm.ts
  var tf3 = __toESM(require_tfjs_core(), 1);
  var import_tfjs_layers3 = __toESM(require_tfjs_layers(), 1);
  var LayerNorm = class extends import_tfjs_layers3.layers.Layer {
    constructor(args = {}) {
      super(args);
      __publicField(this, "epsilon");
      __publicField(this, "gamma", null);
      __publicField(this, "beta", null);
      this.epsilon = args.epsilon ?? 1e-5;
    }
    build(inputShape) {
      const shape = inputShape;
      const dim = shape[shape.length - 1];
      if (dim == null) throw new Error("LayerNorm needs a known last dimension");
      this.gamma = this.addWeight("gamma", [dim], "float32", import_tfjs_layers3.initializers.ones());
      this.beta = this.addWeight("beta", [dim], "float32", import_tfjs_layers3.initializers.zeros());
      this.built = true;
    }
    computeOutputShape(inputShape) {
      return inputShape;
    }
    call(inputs) {
      return tf3.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        if (!this.gamma || !this.beta) throw new Error("LayerNorm used before build");
        const { mean: mean2, variance } = tf3.moments(x, -1, true);
        const normed = tf3.mul(tf3.sub(x, mean2), tf3.rsqrt(tf3.add(variance, this.epsilon)));
        return tf3.add(tf3.mul(normed, this.gamma.read()), this.beta.read());
      });
    }
    getConfig() {
      return { ...super.getConfig(), epsilon: this.epsilon };
    }
  };
  __publicField(LayerNorm, "className", "LayerNorm");

  // src-engine/layers/multi-head-attention.ts
  var tf4 = __toESM(require_tfjs_core(), 1);
  var import_tfjs_layers4 = __toESM(require_tfjs_layers(), 1);
  var MASKED = -1e9;
  function paddingBias(tokenIds) {
    return tf4.tidy(() => {
      const pad = tf4.equal(tf4.cast(tokenIds, "int32"), 0);
      const [b, s] = tokenIds.shape;
      return tf4.reshape(tf4.where(pad, tf4.fill(pad.shape, MASKED), tf4.zeros(pad.shape)), [b, 1, 1, s]);
    });
  }
  var MultiHeadAttention = class extends import_tfjs_layers4.layers.Layer {
    constructor(args) {
      super(args);
      __publicField(this, "heads");
      __publicField(this, "headDim");
      __publicField(this, "seed");
      __publicField(this, "projections", null);
      if (!Number.isInteger(args.heads) || args.heads < 1) throw new Error(`heads must be a positive integer, got ${args.heads}`);
      this.heads = args.heads;
      if (args.headDim != null && (!Number.isInteger(args.headDim) || args.headDim < 1)) throw new Error(`headDim must be a positive integer, got ${args.headDim}`);
      this.headDim = args.headDim ?? null;
      this.seed = args.seed ?? null;
    }
    build(inputShape) {
      const shape = firstShape(inputShape);
      const dim = shape[shape.length - 1];
      if (dim == null || this.headDim === null && dim % this.heads !== 0) {
        throw new Error(`MultiHeadAttention: dim ${dim} is not divisible by ${this.heads} heads`);
      }
      const inner = this.heads * (this.headDim ?? dim / this.heads);
      const make = (part, i) => ({
        kernel: this.addWeight(
          `${part}_kernel`,
          part === "output" ? [inner, dim] : [dim, inner],
          "float32",
          import_tfjs_layers4.initializers.glorotUniform({ seed: this.seed == null ? void 0 : this.seed + i })
        ),
        bias: this.addWeight(`${part}_bias`, [part === "output" ? dim : inner], "float32", import_tfjs_layers4.initializers.zeros())
      });
      this.projections = { query: make("query", 0), key: make("key", 1), value: make("value", 2), output: make("output", 3) };
      this.built = true;
    }
    computeOutputShape(inputShape) {
      return firstShape(inputShape);
    }
    call(inputs) {
      return tf4.tidy(() => {
        const [x, ids] = unpack(inputs);
        const { output, weights } = this.attend(x, ids);
        weights.dispose();
        return output;
      });
    }
    /**
     * The attention weights [batch, heads, seq(query), seq(key)] for an input (each row sums to 1);
     * pass the token ids to mask padding as training does. Builds the layer if needed.
     */
    attentionScores(x, tokenIds) {
      if (!this.built) this.build(x.shape);
      return tf4.tidy(() => this.attend(x, tokenIds ?? null).weights);
    }
    attend(x, ids) {
      const p = this.projections;
      if (!p) throw new Error("MultiHeadAttention used before build");
      const [b, s, d] = x.shape;
      const h = this.heads;
      const dk = this.headDim ?? d / h;
      const flat = tf4.reshape(x, [b * s, d]);
      const project = (proj, t) => tf4.add(tf4.matMul(t, proj.kernel.read()), proj.bias.read());
      const heads = (t) => tf4.transpose(tf4.reshape(t, [b, s, h, dk]), [0, 2, 1, 3]);
      const q = heads(project(p.query, flat));
      const k = heads(project(p.key, flat));
      const v = heads(project(p.value, flat));
      let scores = tf4.mul(tf4.matMul(q, k, false, true), 1 / Math.sqrt(dk));
      if (ids) scores = tf4.add(scores, paddingBias(ids));
      const weights = tf4.softmax(scores);
      const context = tf4.reshape(tf4.transpose(tf4.matMul(weights, v), [0, 2, 1, 3]), [b * s, h * dk]);
      const output = tf4.reshape(project(p.output, context), [b, s, d]);
      return { output, weights };
    }
    getConfig() {
      return { ...super.getConfig(), heads: this.heads, ...this.headDim === null ? {} : { headDim: this.headDim }, seed: this.seed };
    }
  };
  __publicField(MultiHeadAttention, "className", "MultiHeadAttention");
  function firstShape(inputShape) {
    return Array.isArray(inputShape[0]) ? inputShape[0] : inputShape;
  }
  function unpack(inputs) {
    if (!Array.isArray(inputs)) return [inputs, null];
    const [x, ids] = inputs;
    if (!x) throw new Error("layer called without inputs");
    return [x, ids ?? null];
  }

  // src-engine/layers/sequence-mean-pool.ts
  var tf5 = __toESM(require_tfjs_core(), 1);
  var import_tfjs_layers5 = __toESM(require_tfjs_layers(), 1);
  var SequenceMeanPool = class extends import_tfjs_layers5.layers.Layer {
    constructor(args = {}) {
      super(args);
    }
    computeOutputShape(inputShape) {
      const shape = firstShape(inputShape);
      return [shape[0] ?? null, shape[shape.length - 1] ?? null];
    }
    call(inputs) {
      return tf5.tidy(() => {
        const [x, ids] = unpack(inputs);
        if (!ids) return tf5.mean(x, 1);
        const real = tf5.notEqual(tf5.cast(ids, "int32"), 0);
        const keep = tf5.expandDims(tf5.where(real, tf5.ones(real.shape), tf5.zeros(real.shape)), 2);
        const count = tf5.maximum(tf5.sum(keep, 1), 1);
        return tf5.div(tf5.sum(tf5.mul(x, keep), 1), count);
      });
    }
  };
  __publicField(SequenceMeanPool, "className", "SequenceMeanPool");

  // src-engine/layers/register-layers.ts
  var CUSTOM_LAYERS = [MultiHeadAttention, TokenAndPositionEmbedding, PatchEmbedding, SequenceMeanPool, LayerNorm, FakeQuant];
  var registered = false;
  function registerCustomLayers() {
    if (registered) return;
    for (const cls of CUSTOM_LAYERS) tf6.serialization.registerClass(cls);
    registered = true;
  }
  registerCustomLayers();

  // src-engine/layers/standalone.ts
  registerCustomLayers();
})();
