/**
 * A Triton Inference Server / KServe model repository beside an ONNX export, so the same model
 * serves at scale on an existing engine: `triton/<name>/config.pbtxt` (onnxruntime backend, the
 * input and output with their shapes, batching up to 256, dynamic batching, the labels) and
 * `triton/<name>/1/model.onnx`.
 */
import type { ModelSpec } from '../../src-shared/models/spec';
import { inputShape } from '../../src-shared/models/shape-inference';

/** A name Triton accepts: letters, digits, _ and -. */
export function tritonModelName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 64) || 'model';
}

/** The repository's files (paths inside the export folder) for an ONNX model. */
export function tritonRepository(name: string, spec: ModelSpec, model: Uint8Array, labels: readonly string[]): Record<string, string | Uint8Array> {
  const dims = inputShape(spec.input);
  const config = `name: "${name}"
platform: "onnxruntime_onnx"
max_batch_size: 256
input [
  {
    name: "input"
    data_type: ${spec.input.kind === 'text' ? 'TYPE_INT32' : 'TYPE_FP32'}
    dims: [ ${dims.join(', ')} ]
  }
]
output [
  {
    name: "probabilities"
    data_type: TYPE_FP32
    dims: [ ${spec.numClasses} ]
    label_filename: "labels.txt"
  }
]
dynamic_batching { }
`;
  return {
    [`triton/${name}/config.pbtxt`]: config,
    [`triton/${name}/labels.txt`]: `${labels.join('\n')}\n`,
    [`triton/${name}/1/model.onnx`]: model,
  };
}
