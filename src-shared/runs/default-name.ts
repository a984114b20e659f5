/** The first of `make(from)`, `make(from + 1)`, … not taken: "Run 3", or "运行 3" in Chinese. */
export function firstFreeName(taken: Iterable<string>, make: (n: number) => string, from = 1): string {
  const used = new Set(taken);
  for (let n = Math.max(1, from); ; n++) {
    const name = make(n);
    if (!used.has(name)) return name;
  }
}
