/**
 * An UnsortedSegmentSum kernel for the WASM backend, which tfjs 4.22 lacks: it is the gradient of
 * a gather, so without it embedding layers cannot train on WASM. Summing rows into segments is a
 * ScatterNd with the segment ids as indices (ScatterNd adds duplicate indices together).
 */
import {
  getKernel,
  type KernelBackend,
  type KernelFunc,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  registerKernel,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

const KERNEL = 'UnsortedSegmentSum';

const kernelFunc: KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
  const backend = anyBackend as KernelBackend;
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = attrs as { numSegments: number };
  const run = (name: string, ins: NamedTensorInfoMap, at: NamedAttrMap): TensorInfo => {
    const kernel = getKernel(name, 'wasm');
    if (!kernel) throw new Error(`wasm backend has no ${name} kernel`);
    return kernel.kernelFunc({ inputs: ins, backend, attrs: at }) as TensorInfo;
  };
  const n = segmentIds.shape.reduce((a, b) => a * b, 1);
  const temps: TensorInfo[] = [];
  try {
    let ids = segmentIds;
    if (ids.dtype !== 'int32') temps.push((ids = run('Cast', { x: ids }, { dtype: 'int32' })));
    const indices = run('Reshape', { x: ids }, { shape: [n, 1] });
    temps.push(indices);
    const rest = x.shape.slice(segmentIds.shape.length);
    const updates = run('Reshape', { x }, { shape: [n, ...rest] });
    temps.push(updates);
    return run('ScatterNd', { indices, updates }, { shape: [numSegments, ...rest] });
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
};

/** Registers UnsortedSegmentSum on WASM when the backend has none (idempotent). */
export function registerWasmSegmentSum(): void {
  if (getKernel(KERNEL, 'wasm')) return;
  registerKernel({ kernelName: KERNEL, backendName: 'wasm', kernelFunc });
}
