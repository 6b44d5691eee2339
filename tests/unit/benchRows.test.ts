import { describe, expect, it } from 'vitest';
import { type Row, table } from '../bench/rows.js';

describe('bench result table', () => {
  const row = (over: Partial<Row>): Row => ({ part: 'floor', metric: 'm', measured: '1×', budget: '—', pass: null, ...over });

  it('prints budgets as PASS / FAIL and goals as met / NOT MET, marking goals judged on a busy machine', () => {
    const out = table([
      row({ pass: true }),
      row({ pass: false }),
      row({ goal: true }),
      row({ goal: false, disturbed: true }),
      row({ goal: null, disturbed: true }),
    ]);
    const verdicts = out.split('\n').slice(2).map((line) => line.split('|').at(-1)!.trim());
    expect(verdicts).toEqual(['PASS', 'FAIL', 'met', 'NOT MET (disturbed)', '']);
  });
});
