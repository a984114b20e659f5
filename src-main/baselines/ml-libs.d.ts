/** The parts of libsvm-js the baselines use (it ships no types). */
declare module 'libsvm-js/wasm.js' {
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
  export interface SvmClass {
    new (options: SvmOptions): Svm;
    SVM_TYPES: { C_SVC: number };
    KERNEL_TYPES: { LINEAR: number; RBF: number };
  }
  /** The module's export is a promise of the class, resolved once the WebAssembly has loaded. */
  const SVM: Promise<SvmClass>;
  export default SVM;
}
