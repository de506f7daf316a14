import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ListFileError } from '../../formats/csv.ts';
import { parseConsolidatedList, parseOfacSdn } from './lists.ts';
import { SanctionsScreener } from './screener.ts';

const fixture = (f: string) => readFileSync(new URL(`../../../test/fixtures/sanctions/${f}`, import.meta.url));
const entries = [...parseOfacSdn(fixture('sdn.csv'), fixture('alt.csv')), ...parseConsolidatedList(fixture('consolidated.csv'))];
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
    for (const clean of ['Acme Robotics GmbH', 'Northern Trust Bank', 'Blue Star Logistics', 'Orion Health Ltd', 'Mohammed Bakery']) {
      expect(screener.screen(clean, 0.85), clean).toEqual([]);
    }
  });
});
