// The SIMULATOR's tokens: a text split the way BPE tokenizers pre-split English (a word with its leading space, a
// run of punctuation with the line breaks after it, up to three digits), so that its counts stay close to what the
// gateway's tokenizer (o200k_base) makes of the same text. One piece is one streamed chunk and one billed token.
const PIECE =
  /\[simulated\]|[^\S\n]*\n+|[^\S\n]?[\p{L}\p{M}'’]+|[^\S\n]?\p{N}{1,3}|[^\S\n]?[^\s\p{L}\p{M}\p{N}'’]+\n*|[^\S\n]+/gu;

/** The pieces of a text, in order; joined they give the text back. */
export function splitPieces(text: string): string[] {
  return text.match(PIECE) ?? [];
}

/** How many pieces a text has, without keeping them. */
export function countTokens(text: string): number {
  if (text.length === 0) return 0;
  const pieces = new RegExp(PIECE);
  let n = 0;
  while (pieces.exec(text) !== null) n++;
  return n;
}
