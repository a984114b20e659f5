/**
 * The checks a compression recipe gets against the model before any work, pure so main can
 * refuse a request without loading TensorFlow.js and the engine can check its own inputs.
 */
import { StudioError } from '../errors';
import { say } from '../messages/message';
import { layerName, type ModelSpec } from '../models/spec';

/** Throws, naming them, when keep-in-float names layers the model does not have. */
export function checkKeepFloat(spec: ModelSpec, keepFloat: readonly string[]): void {
  const names = new Set(spec.layers.map((l, i) => layerName(l, i)));
  const unknown = keepFloat.filter((n) => !names.has(n));
  if (unknown.length) throw StudioError.say('BAD_REQUEST', say('errors.compress.noKeepFloatLayer', { layers: unknown.join(', '), all: [...names].join(', ') }));
}

/** Throws, saying what differs, when the student cannot learn from the teacher. */
export function checkStudent(teacher: ModelSpec, student: ModelSpec): void {
  if (student.numClasses !== teacher.numClasses) {
    throw StudioError.say('BAD_REQUEST', say('errors.compress.studentClasses', { student: String(student.numClasses), teacher: String(teacher.numClasses) }));
  }
  if (JSON.stringify(student.input) !== JSON.stringify(teacher.input)) {
    throw StudioError.say('BAD_REQUEST', say('errors.compress.studentInput', { student: JSON.stringify(student.input), teacher: JSON.stringify(teacher.input) }));
  }
}
