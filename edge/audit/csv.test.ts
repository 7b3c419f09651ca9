import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell } from './csv.ts';

/** Reads one cell back as a spreadsheet would (RFC 4180). */
const unquote = (cell: string) => (cell.startsWith('"') ? cell.slice(1, -1).replaceAll('""', '"') : cell);

describe('a CSV cell', () => {
  it('makes text of what a spreadsheet would take for a formula', () => {
    for (const formula of ['=1+1', '+SUM(A1)', '-2', '@cmd', '\tx', '\rx'])
      expect(unquote(csvCell(formula))).toBe(`'${formula}`);
    expect(csvCell('chat.MessageEdited')).toBe('chat.MessageEdited');
    expect(csvCell(null)).toBe('');
    expect(csvCell(42)).toBe('42');
    expect(csvCell({ a: 'b,c' })).toBe('"{""a"":""b,c""}"');
  });

  it('reads back as the text it was given, for any text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const cell = csvCell(text);
        const back = unquote(cell);
        expect(back).toBe(/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
        // Unquoted, it holds nothing that ends or splits a cell.
        if (!cell.startsWith('"')) expect(cell).not.toMatch(/[",\r\n]/);
      }),
    );
  });
});
