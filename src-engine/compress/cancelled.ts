/** Thrown when a compression's `cancelled()` said stop; nothing it made is kept. */
export class CompressionCancelled extends Error {
  constructor() {
    super('The compression was cancelled.');
    this.name = 'CompressionCancelled';
  }
}
