/**
 * The checks a compression recipe gets against the model before any work, pure so main can
 * refuse a request without loading TensorFlow.js and the engine can check its own inputs.
 */
import { layerName, type ModelSpec } from '../models/spec';

/** Throws, naming them, when keep-in-float names layers the model does not have. */
export function checkKeepFloat(spec: ModelSpec, keepFloat: readonly string[]): void {
  const names = new Set(spec.layers.map((l, i) => layerName(l, i)));
  const unknown = keepFloat.filter((n) => !names.has(n));
  if (unknown.length) throw new Error(`The model has no layer ${unknown.join(', ')} to keep in float (its layers: ${[...names].join(', ')})`);
}

/** Throws, saying what differs, when the student cannot learn from the teacher. */
export function checkStudent(teacher: ModelSpec, student: ModelSpec): void {
  if (student.numClasses !== teacher.numClasses) throw new Error(`The student has ${student.numClasses} classes but the teacher has ${teacher.numClasses}`);
  if (JSON.stringify(student.input) !== JSON.stringify(teacher.input)) {
    throw new Error(`The student takes ${JSON.stringify(student.input)} but the teacher takes ${JSON.stringify(teacher.input)}`);
  }
}
