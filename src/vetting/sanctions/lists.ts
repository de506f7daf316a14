// Sanctions list formats as governments publish them: OFAC's SDN list (sdn.csv + alt.csv, no header) and the
// US Consolidated Screening List (CSV with a header row).
import { decodeUtf8, ListFileError, parseCsv } from '../../formats/csv.ts';

export interface ListEntry {
  /** Stable id within the source, e.g. "OFAC-SDN:306". */
  id: string;
  source: string;
  name: string;
  aliases: string[];
  type: string;
  programs: string;
  /** A listed person's dates of birth as the list gives them ("1965-09-22", "22 Sep 1965", "circa 1965"). */
  dates_of_birth?: string[];
  /** What the list says an export to this party needs (the CSL's license_requirement and license_policy). */
  license_requirement?: string;
  license_policy?: string;
}

/** "DOB 12 Jan 1965; DOB 1966; POB Moscow" in OFAC remarks: the dates of birth. */
const remarkDates = (remarks: string) =>
  [...remarks.matchAll(/\bDOB\s+([^;]+)/g)].map((m) => m[1]!.trim()).filter(Boolean);

const EMPTY = (v: string | undefined) => (v === undefined || v.trim() === '-0-' ? '' : v.trim());

export function parseOfacSdn(sdnBytes: Uint8Array, altBytes?: Uint8Array): ListEntry[] {
  const entries = new Map<string, ListEntry>();
  for (const { line, fields } of parseCsv(decodeUtf8(sdnBytes, 'sdn.csv'), 'sdn.csv')) {
    if (fields.length === 1 && fields[0]!.charCodeAt(0) === 0x1a) continue; // DOS end-of-file marker in OFAC files
    if (fields.length !== 12)
      throw new ListFileError(
        'sdn.csv',
        line,
        `expected 12 columns (ent_num, SDN_Name, SDN_Type, Program, ...), found ${fields.length}`,
      );
    const [num, name, type, program] = fields;
    const dates = remarkDates(EMPTY(fields[11]));
    if (!/^\d+$/.test(num!.trim()))
      throw new ListFileError('sdn.csv', line, `ent_num must be a number, found "${num}"`);
    if (!EMPTY(name)) throw new ListFileError('sdn.csv', line, 'SDN_Name is empty');
    entries.set(num!.trim(), {
      id: `OFAC-SDN:${num!.trim()}`,
      source: 'OFAC SDN',
      name: EMPTY(name),
      aliases: [],
      type: EMPTY(type) || 'entity',
      programs: EMPTY(program),
      ...(dates.length > 0 ? { dates_of_birth: dates } : {}),
    });
  }
  if (altBytes) {
    for (const { line, fields } of parseCsv(decodeUtf8(altBytes, 'alt.csv'), 'alt.csv')) {
      if (fields.length === 1 && fields[0]!.charCodeAt(0) === 0x1a) continue;
      if (fields.length !== 5)
        throw new ListFileError(
          'alt.csv',
          line,
          `expected 5 columns (ent_num, alt_num, alt_type, alt_name, alt_remarks), found ${fields.length}`,
        );
      const entry = entries.get(fields[0]!.trim());
      if (!entry) throw new ListFileError('alt.csv', line, `alias for unknown ent_num ${fields[0]}`);
      const alias = EMPTY(fields[3]);
      if (alias) entry.aliases.push(alias);
    }
  }
  if (entries.size === 0) throw new ListFileError('sdn.csv', null, 'has no entries');
  return [...entries.values()];
}

const CSL_REQUIRED = ['source', 'name', 'alt_names'];

export function parseConsolidatedList(bytes: Uint8Array, file = 'consolidated.csv'): ListEntry[] {
  const rows = parseCsv(decodeUtf8(bytes, file), file);
  const header = rows.shift();
  if (!header) throw new ListFileError(file, null, 'is empty');
  const columns = header.fields.map((h) => h.trim().toLowerCase());
  const missing = CSL_REQUIRED.filter((c) => !columns.includes(c));
  if (missing.length > 0) throw new ListFileError(file, 1, `header lacks column(s) ${missing.join(', ')}`);
  const at = (name: string) => columns.indexOf(name);
  const entries: ListEntry[] = [];
  for (const { line, fields } of rows) {
    if (fields.length !== columns.length)
      throw new ListFileError(
        file,
        line,
        `expected ${columns.length} columns as in the header, found ${fields.length}`,
      );
    const name = fields[at('name')]!.trim();
    if (!name) throw new ListFileError(file, line, 'name is empty');
    const id =
      at('_id') >= 0 && fields[at('_id')]
        ? fields[at('_id')]!
        : at('entity_number') >= 0
          ? fields[at('entity_number')]!
          : String(line);
    const optional = (column: string) => (at(column) >= 0 ? fields[at(column)]!.trim() : '');
    const dates = optional('dates_of_birth')
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean);
    entries.push({
      id: `CSL:${id}`,
      source: fields[at('source')]!.trim() || 'CSL',
      name,
      aliases: fields[at('alt_names')]!.split(';')
        .map((a) => a.trim())
        .filter(Boolean),
      type: at('type') >= 0 ? fields[at('type')]!.trim() : 'entity',
      programs: at('programs') >= 0 ? fields[at('programs')]!.trim() : '',
      ...(dates.length > 0 ? { dates_of_birth: dates } : {}),
      ...(optional('license_requirement') ? { license_requirement: optional('license_requirement') } : {}),
      ...(optional('license_policy') ? { license_policy: optional('license_policy') } : {}),
    });
  }
  if (entries.length === 0) throw new ListFileError(file, null, 'has no entries');
  return entries;
}
