/** The k most likely classes of one sample's probabilities, most likely first (ties by class order). */
export function topK(probs: ArrayLike<number>, labels: readonly string[], k: number): { label: string; index: number; probability: number }[] {
  return Array.from(probs, (probability, index) => ({ label: labels[index] ?? String(index), index, probability }))
    .sort((a, b) => b.probability - a.probability || a.index - b.index)
    .slice(0, k);
}
