/**
 * The English of the sentences main writes about data for a person to read (dataset sources,
 * import warnings, reasons a file was skipped). Main stores each as a Message: this text, and
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
} as const;
