// A strict RFC 4180 CSV reader (government lists, vendor exports): reports the line of every problem and never
// guesses (a truncated quoted field or invalid UTF-8 is an error, not a silently shorter list).

export class ListFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    message: string,
  ) {
    super(`${file}${line ? `, line ${line}` : ''}: ${message}`);
    this.name = 'ListFileError';
  }
}

export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    throw new ListFileError(file, null, 'is not valid UTF-8 text (export the list as UTF-8)');
  }
}

/** Rows of fields, each with the line it starts on. */
export function parseCsv(text: string, file: string): Array<{ line: number; fields: string[] }> {
  const rows: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let rowLine = 1;
  let quoted = false;
  let quoteLine = 0;
  let i = 0;
  const endRow = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) rows.push({ line: rowLine, fields });
    fields = [];
    field = '';
  };
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      if (c === '\n') line++;
      field += c;
      i++;
      continue;
    }
    if (c === '"') {
      if (field !== '') throw new ListFileError(file, line, 'a quote appears inside an unquoted field');
      quoted = true;
      quoteLine = line;
      i++;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      i++;
    } else if (c === '\r' || c === '\n') {
      endRow();
      if (c === '\r' && text[i + 1] === '\n') i++;
      i++;
      line++;
      rowLine = line;
    } else {
      field += c;
      i++;
    }
  }
  if (quoted) throw new ListFileError(file, quoteLine, 'a quoted field is never closed (the file looks truncated)');
  if (field !== '' || fields.length > 0) endRow();
  return rows;
}
