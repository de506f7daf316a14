// Text a stream builds by appending its deltas. To V8, `text += piece` is a tree that keeps every piece (about 40
// bytes a piece, against one a character for a flat string): a 600-token reply held ~24 KB so for each copy, for as
// long as its stream was open. Every FLATTEN_EVERY appends, the text is made one flat string again.
const FLATTEN_EVERY = 32;

export class GrowingText {
  private text = '';
  private appends = 0;

  append(piece: string): void {
    if (piece === '') return;
    this.text += piece;
    // Taking a slice makes V8 copy a tree of pieces into one string; the leading space keeps it from returning
    // the text itself.
    if (++this.appends % FLATTEN_EVERY === 0) this.text = ` ${this.text}`.slice(1);
  }

  get value(): string {
    return this.text;
  }

  /** The text so far, leaving this empty. */
  take(): string {
    const text = this.text;
    this.text = '';
    this.appends = 0;
    return text;
  }
}
