/**
 * Joins many small pieces into one string with bounded overhead: pieces are
 * joined in batches, so a value with millions of escapes neither keeps
 * millions of pieces alive nor builds a deep chain of concatenations.
 */
const BATCH = 4096;

export class TextBuilder {
  #pieces: string[] = [];
  #batches: string[] = [];

  add(piece: string): void {
    if (piece === '') return;
    this.#pieces.push(piece);
    if (this.#pieces.length >= BATCH) {
      this.#batches.push(this.#pieces.join(''));
      this.#pieces = [];
    }
  }

  /** The text so far; the builder is empty afterwards. */
  take(): string {
    this.#batches.push(this.#pieces.join(''));
    const text = this.#batches.length === 1 ? this.#batches[0]! : this.#batches.join('');
    this.#pieces = [];
    this.#batches = [];
    return text;
  }
}
