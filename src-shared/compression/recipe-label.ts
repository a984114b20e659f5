/** Short words for what a recipe does, for checkpoint names, lists and chart labels. */
import type { CompressionRecipe } from './recipe';

/** A short label of what a recipe does, for checkpoint names and lists. */
export function recipeLabel(recipe: CompressionRecipe): string {
  switch (recipe.method) {
    case 'quantize':
      return recipe.scheme === 'full-int8' ? 'full int8' : recipe.scheme;
    case 'prune':
      return `${recipe.structured ? 'structured, ' : ''}pruned ${Math.round(recipe.sparsity * 1000) / 10}%`;
    case 'distill':
      return 'template' in recipe.student ? `distilled into ${recipe.student.template} ×${recipe.student.width}` : `distilled into ${recipe.student.modelId}`;
  }
}
