import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvCell, csvLine, toCsv } from './csv.ts';

test('cells are quoted as RFC 4180 asks', () => {
  assert.equal(csvCell('Phường Cái Khế'), 'Phường Cái Khế');
  assert.equal(csvCell('Khu vực 1, "Cái Khế"'), '"Khu vực 1, ""Cái Khế"""');
  assert.equal(csvCell('hai\r\ndòng'), '"hai\r\ndòng"');
  assert.equal(csvCell(null), '');
  assert.equal(csvCell(undefined), '');
  assert.equal(csvLine(['a', 1, null]), 'a,1,\r\n');
  assert.equal(toCsv([['Tên'], ['An']]), '\uFEFFTên\r\nAn\r\n');
});

test('cells a spreadsheet would run as a formula get a leading apostrophe', () => {
  assert.equal(csvCell('=HYPERLINK("http://evil.example","Bấm")'), `"'=HYPERLINK(""http://evil.example"",""Bấm"")"`);
  for (const s of ['=1+1', '+SUM(A1)', "-2+3+cmd|' /C calc'!A0", '@SUM(A1)', '\tx', '\rx']) assert.equal(csvCell(s).replace(/^"/, '')[0], "'", s);
  // Numbers and phone numbers hold no formula.
  for (const s of ['+84 912 345 678', '+84-912-345-678', '-12.5', '-', '0912000111']) assert.equal(csvCell(s), s);
  assert.equal(csvCell(-5), '-5');
});
