/** The parts of ml-knn and libsvm-js the baselines use (they ship no types). */
declare module 'ml-knn' {
  export default class KNN {
    constructor(x: number[][], y: number[], options?: { k?: number });
    predict(x: number[][]): number[];
    toJSON(): unknown;
  }
}
declare module 'libsvm-js/asm.js' {
  interface SvmOptions {
    type?: number;
    kernel?: number;
    gamma?: number;
    cost?: number;
    quiet?: boolean;
  }
  export interface Svm {
    train(x: number[][], y: number[]): void;
    predict(x: number[][]): number[];
    serializeModel(): string;
    free(): void;
  }
  interface SvmClass {
    new (options: SvmOptions): Svm;
    SVM_TYPES: { C_SVC: number };
    KERNEL_TYPES: { LINEAR: number; RBF: number };
  }
  const SVM: SvmClass;
  export default SVM;
}
