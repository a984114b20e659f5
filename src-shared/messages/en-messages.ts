/**
 * The English of the sentences main writes about data for a person to read (dataset sources,
 * import warnings, reasons a file was skipped), and of the model editor's shape checks. Main stores each as a Message: this text, and
 * the key and params the app uses to say it in the UI's language (the renderer's zh-CN
 * `messages` has the same keys: a test checks). Placeholders are `{name}`, as vue-i18n's; no
 * `@`, `|` or `$` in a template (vue-i18n gives them meaning): pass such text as a param.
 */
export const EN_MESSAGES = {
  sources: {
    mnist: 'MNIST handwritten digits ({pkg}): {train} training + {test} test images, 28x28 grayscale',
    spam: 'SpamAssassin e-mails ({pkg}): {n} messages, ham vs spam; Subject and body kept',
    names: 'English first names ({pkg}): {n} names, female vs male, character level',
    idx: 'IDX files {file} ({n} images, {rows}x{cols} grayscale)',
    idxWithTest: 'IDX files {file} ({n} images + {test} test, {rows}x{cols} grayscale)',
    textFolder: 'Text folder {path} ({n} texts, {classes} classes)',
    textZip: 'Zip of a text folder {path} ({n} texts, {classes} classes)',
    imageFolder: 'Image folder {path} ({n} images, {classes} classes, resized to {width}x{height} {color})',
    imageZip: 'Zip of an image folder {path} ({n} images, {classes} classes, resized to {width}x{height} {color})',
    csv: 'CSV {file} ({n} rows, label column "{column}")',
  },
  warnings: {
    namesOnBothLists: '{n} names appear on both lists and were dropped.',
    namesCharLevel: 'A character-level task: names are tokenized letter by letter (char tokenizer, {n} characters).',
    emptyLabels: 'No samples have label {labels}; those classes stay empty.',
    droppedClass: 'Class {classes} had no usable files and was left out.',
    droppedClasses: 'Classes {classes} had no usable files and were left out.',
    raggedRows: '{n} rows with the wrong number of fields were skipped.',
    missingValues: 'Column "{column}" has {n} missing values.',
    missingValuesInfinite:
      'Column "{column}" has {n} missing values ({infinite} of them infinite or too large for float32, such as Infinity or 1e999, read as missing).',
  },
  skipped: {
    notText: 'not a .txt or .eml file (.{ext})',
    notInClassFolder: 'not inside a class folder',
    notImage: 'not an image file (.{ext})',
    notImageNoExt: 'not an image file (no extension)',
    csvFields: 'has {n} fields, the header has {header}',
    csvEmptyLabel: 'the label is empty',
  },
  /** Errors main reports, where they are said by key (StudioError.say). */
  errors: {
    noProjectFile: 'No project file at {path}.',
    folderHasNoProject: 'The folder {path} holds no .mstudio project file.',
    folderHasSeveral: 'The folder {path} holds several project files ({names}); open one of them.',
    parentIsFile: '{path} is a file, not a folder.',
    parentMissing: 'The folder {path} does not exist. Choose a folder that exists, or create it first.',
    fileExists: 'A file named {path} already exists.',
    folderNotEmpty: 'The folder {path} already exists and is not empty. Choose another name or folder.',
    lockBeingOpened: 'The project at {path} is being opened by another window or process. Try again in a moment.',
    lockContended: 'Could not lock the project at {path}: another window or process keeps taking it.',
    lockOpenHere: 'The project at {path} is already open in another window.',
    lockOpenElsewhere: 'The project at {path} is open in another window or process (pid {pid} on {host}). Close it there first.',
    openInOtherWindow: '{name} is already open in another window.',
    noProjectOpen: 'No project is open in this window.',
    projectsDirNotAbsolute: 'The projects folder must be a full path, not {path}.',
    projectsDirMissing: 'The projects folder {path} does not exist or is not a folder.',
    baselineOneClass: 'The training split of {dataset} has only one class: a baseline needs two or more.',
    baselineNoTest: '{dataset} has no test samples to score the baselines on: re-split it with a test share.',
    baselineNoValidation: '{dataset} has no validation samples, which a grid search scores its settings on: re-split it with a validation share, or run without the search.',
  },
  /** The model editor's shape checks (src-shared/models/shape-inference.ts). */
  model: {
    atLayer: 'layer {n} ({type}): {problem}',
    needsImage: '{what} needs a 3-D (height x width x channels) input, got {shape}',
    kernelTooBig: "kernel {kh}x{kw} does not fit a {h}x{w} input; use padding 'same' or a smaller kernel",
    poolTooBig: "pool {kh}x{kw} does not fit a {h}x{w} input; use padding 'same', a smaller pool or fewer pooling layers",
    patchTooBig: 'patch {kh}x{kw} does not fit a {h}x{w} input; use a smaller patchSize',
    denseAfterImage: 'dense after a 3-D output ({shape}): add flatten or globalAvgPool first',
    poolNeedsSequence: 'globalAvgPool needs a sequence or an image, got a vector of {shape}',
    embeddingNeedsText: {
      image: "tokenEmbedding needs text input, this model's input is image",
      tabular: "tokenEmbedding needs text input, this model's input is tabular",
    },
    embeddingFirst: 'tokenEmbedding must be the first layer: it reads the token ids',
    blockNeedsSequence: 'transformerBlock needs a sequence (add tokenEmbedding or patchEmbedding first), got {shape}',
    headsDivide: 'transformerBlock dim {dim} is not divisible by {heads} heads',
    dimMismatch: "transformerBlock dim {dim} does not match its input's {features} features",
    startWithEmbedding: 'text input holds token ids: start the model with a tokenEmbedding',
    emptyOutput: 'the output would be empty ({shape})',
    classOutputs: 'the model must end with {classes} outputs (one per class), it ends with {shape}; end with dense({classes}, softmax)',
    noSoftmax: 'the last layer should be a dense layer with softmax: the loss expects class probabilities',
  },
} as const;
