import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ListFileError } from '../../formats/csv.ts';
import { labelledSet, score } from '../../../bench/sanctions-labelled-set.ts';
import { parseConsolidatedList, parseOfacSdn, type ListEntry } from './lists.ts';
import { partialNameSimilarity } from './normalize.ts';
import { SanctionsScreener } from './screener.ts';

const fixture = (f: string) => readFileSync(new URL(`../../../test/fixtures/sanctions/${f}`, import.meta.url));
const entries = [
  ...parseOfacSdn(fixture('sdn.csv'), fixture('alt.csv')),
  ...parseConsolidatedList(fixture('consolidated.csv')),
];
const screener = new SanctionsScreener(entries);
const top = (name: string) => screener.screen(name, 0.85)[0];

describe('sanctions lists', () => {
  it('parse OFAC SDN with aliases and the Consolidated Screening List', () => {
    expect(entries).toHaveLength(6);
    const redStar = entries.find((e) => e.id === 'OFAC-SDN:9001')!;
    expect(redStar.aliases).toEqual(['KRASNAYA ZVEZDA MARITIME']);
    const qvs = entries.find((e) => e.id === 'CSL:f1')!;
    expect(qvs.aliases).toEqual(['Quantum Vektor Semiconductor', 'QVS Microelectronics']);
    expect(qvs.source).toMatch(/Entity List/);
  });

  it("read a listed person's dates of birth from OFAC remarks and the CSL column", () => {
    const sdn = parseOfacSdn(
      Buffer.from(
        '7001,"DOE, John","individual","TEST","-0- ","-0- ","-0- ","-0- ","-0- ","-0- ","-0- ","DOB 12 Jan 1965; alt. DOB 1966; POB Nowhere."\n',
      ),
    );
    expect(sdn[0]!.dates_of_birth).toEqual(['12 Jan 1965', '1966']);
    const csl = parseConsolidatedList(
      Buffer.from(
        '_id,source,name,alt_names,type,dates_of_birth\nx1,SDN,"DOE, Jane",,Individual,1970-02-03; 1971\nx2,SDN,ACME,,Entity,\n',
      ),
    );
    expect(csl.map((e) => e.dates_of_birth)).toEqual([['1970-02-03', '1971'], undefined]);
  });

  it('reject malformed files with the line, loading nothing', () => {
    expect(() => parseOfacSdn(Buffer.from('1,"A","b"\n'))).toThrow(/sdn.csv, line 1: expected 12 columns/);
    expect(() => parseOfacSdn(Buffer.from('9001,"TRUNCATED NAME, -0- \n'))).toThrow(/never closed/);
    expect(() => parseOfacSdn(Buffer.from([0x39, 0x2c, 0xff, 0xfe]))).toThrow(/not valid UTF-8/);
    expect(() => parseConsolidatedList(Buffer.from('id,title\n1,x\n'))).toThrow(/lacks column/);
    expect(() => parseOfacSdn(fixture('sdn.csv'), Buffer.from('777,1,"aka","GHOST","-0- "\n'))).toThrow(ListFileError);
  });
});

describe('fuzzy screening', () => {
  it('survives case, punctuation, word order and legal suffixes', () => {
    expect(top('red star maritime trading')!.entry_id).toBe('OFAC-SDN:9001');
    expect(top('Maritime Trading Red-Star Company Limited')!.entry_id).toBe('OFAC-SDN:9001');
    expect(top('Northern Light Shipping')!.entry_id).toBe('OFAC-SDN:9004');
    expect(top('Quantum Vector Semiconductor Co., Ltd')!.entry_id).toBe('CSL:f1');
  });

  it('survives transliteration variants, diacritics and small typos', () => {
    expect(top('Muhammad Khaled Al Nouri')!.entry_id).toBe('OFAC-SDN:9003');
    expect(top('Mohamed Al-Nūri')!.entry_id).toBe('OFAC-SDN:9003');
    expect(top('Orion Petrochemcial Industries')!.entry_id).toBe('OFAC-SDN:9002');
    expect(top('Krasnaja Zvezda Maritime')!.entry_id).toBe('OFAC-SDN:9001');
  });

  it('reports the score and the list entry, and leaves unrelated names alone', () => {
    const hit = top('Helios Aerospace Components GmbH')!;
    expect(hit).toMatchObject({ entry_id: 'CSL:f2', listed_name: 'Helios Aerospace Components' });
    expect(hit.score).toBeGreaterThan(0.95);
    for (const clean of [
      'Acme Robotics GmbH',
      'Northern Trust Bank',
      'Blue Star Logistics',
      'Orion Health Ltd',
      'Mohammed Bakery',
    ]) {
      expect(screener.screen(clean, 0.85), clean).toEqual([]);
    }
  });
});

describe('near-certain matches that differ in form', () => {
  const listed = (id: string, name: string, type: string): ListEntry => ({
    id,
    source: 'test',
    name,
    aliases: [],
    type,
    programs: 'TEST',
  });
  const more = new SanctionsScreener([
    ...entries,
    listed('T:1', 'PETROV, Ivan Sergeyevich', 'individual'),
    listed('T:2', 'AEROCARIBBEAN AIRLINES', 'entity'),
    listed('T:3', 'Leila Farah Haddad', 'Individual'),
  ]);
  const ids = (name: string) => more.screen(name, 0.85).map((h) => h.entry_id);

  it('a person without the middle name or patronymic, in either order, spelt either way', () => {
    expect(ids('Ivan Petrov')).toContain('T:1');
    expect(ids('PETROV Ivan')).toContain('T:1');
    expect(ids('Ivan Petroff')).toContain('T:1');
    expect(ids('Ivan Sergeyevich Petrov')).toContain('T:1');
    expect(ids('Leila Haddad')).toContain('T:3');
  });

  it('but not another person who shares given names; a missing surname is not a missing middle name', () => {
    expect(ids('Ivan Morozov')).not.toContain('T:1');
    expect(ids('Ivan Sergeyevich Morozov')).not.toContain('T:1');
    expect(partialNameSimilarity(['ivan', 'petrov'], ['petrov', 'ivan', 'sergeyevich'], [0])).toBeGreaterThan(0.9);
    expect(partialNameSimilarity(['ivan', 'sergeyevich'], ['petrov', 'ivan', 'sergeyevich'], [0])).toBe(0);
    expect(partialNameSimilarity(['leila', 'farah'], ['leila', 'farah', 'haddad'], [0, 2])).toBe(0);
  });

  it('an entity with words joined or split, a doubled letter and a plural', () => {
    expect(ids('Aero Carribean Airline S.A.')).toContain('T:2');
    expect(ids('Aerocaribean Airlines')).toContain('T:2');
    expect(ids('Red Star Maritime Trading')).toContain('OFAC-SDN:9001');
    expect(ids('Redstar Maritime Trading')).toContain('OFAC-SDN:9001');
    expect(ids('Caribbean Airlines')).not.toContain('T:2');
  });

  it('finds listed names in a seeded labelled set without flagging unrelated ones', () => {
    const set = labelledSet({ seed: 5, entries: 3000, listed: 600, unrelated: 600 });
    const screener = new SanctionsScreener(set.entries);
    const [at] = score(set, (name) => screener.screen(name, 0.85), [0.85]);
    expect(at!.recall).toBeGreaterThanOrEqual(0.97);
    expect(at!.precision).toBeGreaterThanOrEqual(0.98);
    expect(at!.falsePositiveRate).toBeLessThanOrEqual(0.02);
  });
});
