/** 简体中文 of src-shared/messages/en-messages.ts (the same keys: the parity test checks). */
export default {
  sources: {
    mnist: 'MNIST 手写数字（{pkg}）：{train} 张训练图像 + {test} 张测试图像，28x28 灰度',
    spam: 'SpamAssassin 电子邮件（{pkg}）：{n} 封，正常邮件与垃圾邮件；保留主题和正文',
    names: '英文名（{pkg}）：{n} 个名字，女性与男性，字符级',
    idx: 'IDX 文件 {file}（{n} 张图像，{rows}x{cols} 灰度）',
    idxWithTest: 'IDX 文件 {file}（{n} 张图像 + {test} 张测试图像，{rows}x{cols} 灰度）',
    textFolder: '文本文件夹 {path}（{n} 段文本，{classes} 个类别）',
    textZip: '文本文件夹的 Zip 压缩包 {path}（{n} 段文本，{classes} 个类别）',
    imageFolder: '图像文件夹 {path}（{n} 张图像，{classes} 个类别，缩放为 {width}x{height} {color}）',
    imageZip: '图像文件夹的 Zip 压缩包 {path}（{n} 张图像，{classes} 个类别，缩放为 {width}x{height} {color}）',
    csv: 'CSV {file}（{n} 行，标签列 “{column}”）',
  },
  warnings: {
    namesOnBothLists: '{n} 个名字同时出现在两个列表中，已删除。',
    namesCharLevel: '字符级任务：名字逐个字母切分（字符分词器，{n} 个字符）。',
    emptyLabels: '没有标签为 {labels} 的样本；这些类别保持为空。',
    droppedClass: '类别 {classes} 没有可用的文件，已略去。',
    droppedClasses: '类别 {classes} 没有可用的文件，已略去。',
    raggedRows: '{n} 行字段数不对，已跳过。',
    missingValues: '列 “{column}” 有 {n} 个缺失值。',
    missingValuesInfinite: '列 “{column}” 有 {n} 个缺失值（其中 {infinite} 个为无穷大或超出 float32 范围，例如 Infinity 或 1e999，按缺失值读取）。',
  },
  skipped: {
    notText: '不是 .txt 或 .eml 文件（.{ext}）',
    notInClassFolder: '不在类别文件夹中',
    notImage: '不是图像文件（.{ext}）',
    notImageNoExt: '不是图像文件（没有扩展名）',
    csvFields: '有 {n} 个字段，表头有 {header} 个',
    csvEmptyLabel: '标签为空',
  },
};
