/** A small CNN for MNIST that trains in a second on the CPU backend, for the trainer tests. */
import { parseModelSpec, type ModelSpec } from '../../../src-shared/models/spec';

/** Conv, pool, flatten, dense; with a seeded dropout before the dense layer unless asked not to. */
export function tinyCnn({ dropout = true }: { dropout?: boolean } = {}): ModelSpec {
  return parseModelSpec({
    formatVersion: 1,
    name: 'tiny',
    template: null,
    input: { kind: 'image', height: 28, width: 28, channels: 1 },
    numClasses: 10,
    layers: [
      { type: 'conv2d', filters: 4, kernelSize: 3 },
      { type: 'maxPool2d', poolSize: 4 },
      { type: 'flatten' },
      ...(dropout ? [{ type: 'dropout' as const, rate: 0.2 }] : []),
      { type: 'dense', units: 10, activation: 'softmax' },
    ],
  });
}
