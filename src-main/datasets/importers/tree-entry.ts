/**
 * The entry type a class tree is listed in, on its own so that zip.ts (which lists a .zip's
 * entries) and class-tree.ts (which opens folders and zips) need not import each other.
 */

/** One file somewhere below the root, by its relative path with `/` separators. */
export interface TreeEntry {
  path: string;
  size: number;
  read(): Promise<Uint8Array>;
}
