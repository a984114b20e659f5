/**
 * ONNX's messages (onnx.proto, IR version 8) as the exporter writes them: a model of one graph
 * of nodes over named tensors, its weights as initializers with raw little-endian data.
 */
import { ProtoWriter } from './protobuf';

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, FLOAT16: 10 } as const;

export type Attribute = number | number[] | string | { floats: number[] } | { float: number };

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attributes?: Record<string, Attribute>;
}

export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  raw: Uint8Array;
}

export interface OnnxValueInfo {
  name: string;
  elemType: number;
  /** A number, or a name for a symbolic dimension (the batch). */
  shape: (number | string)[];
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

export interface OnnxModelOptions {
  irVersion: number;
  opset: number;
  producer: string;
  producerVersion: string;
  docString?: string;
}

function attribute(name: string, value: Attribute): ProtoWriter {
  const a = new ProtoWriter().string(1, name);
  if (typeof value === 'string') return a.bytes(4, new TextEncoder().encode(value)).int(20, 3);
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`Attribute ${name}: give floats as {float: x}`);
    return a.int(3, value).int(20, 2);
  }
  if (Array.isArray(value)) {
    for (const v of value) a.int(8, v);
    return a.int(20, 7);
  }
  if ('float' in value) return a.float(2, value.float).int(20, 1);
  for (const v of value.floats) a.float(7, v);
  return a.int(20, 6);
}

function tensor(t: OnnxTensor): ProtoWriter {
  const w = new ProtoWriter();
  for (const d of t.dims) w.int(1, d);
  return w.int(2, t.dataType).string(8, t.name).bytes(9, t.raw);
}

function valueInfo(v: OnnxValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.shape) shape.message(1, typeof d === 'number' ? new ProtoWriter().int(1, d) : new ProtoWriter().string(2, d));
  const tensorType = new ProtoWriter().int(1, v.elemType).message(2, shape);
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensorType));
}

function node(n: OnnxNode): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name).string(4, n.op);
  for (const [k, v] of Object.entries(n.attributes ?? {})) w.message(5, attribute(k, v));
  return w;
}

/** The model's bytes (a serialized ModelProto). */
export function encodeModel(g: OnnxGraph, o: OnnxModelOptions): Uint8Array {
  const graph = new ProtoWriter();
  for (const n of g.nodes) graph.message(1, node(n));
  graph.string(2, g.name);
  for (const t of g.initializers) graph.message(5, tensor(t));
  for (const i of g.inputs) graph.message(11, valueInfo(i));
  for (const out of g.outputs) graph.message(12, valueInfo(out));
  const model = new ProtoWriter().int(1, o.irVersion).string(2, o.producer).string(3, o.producerVersion);
  if (o.docString) model.string(6, o.docString);
  model.message(7, graph);
  model.message(8, new ProtoWriter().string(1, '').int(2, o.opset));
  return model.finish();
}
