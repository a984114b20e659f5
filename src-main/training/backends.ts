/** The TensorFlow.js backends Node can train on (no tfjs import, so the CLI parses options fast). */
export const NODE_BACKENDS = ['wasm', 'cpu', 'webgpu'] as const;
export type NodeBackend = (typeof NODE_BACKENDS)[number];
