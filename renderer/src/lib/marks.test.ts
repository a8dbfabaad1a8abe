import { describe, expect, it } from 'vitest';
import { splitMarks } from './marks';

describe('splitMarks', () => {
  it('splits marked matches from the plain text around them', () => {
    expect(splitMarks('职工可向<mark>社保</mark>经办机构<mark>投诉</mark>')).toEqual([
      { text: '职工可向', marked: false },
      { text: '社保', marked: true },
      { text: '经办机构', marked: false },
      { text: '投诉', marked: true },
    ]);
  });

  it('keeps text without marks whole and survives stray or unclosed marks', () => {
    expect(splitMarks('无标记')).toEqual([{ text: '无标记', marked: false }]);
    expect(splitMarks('a</mark>b<mark>c')).toEqual([
      { text: 'ab', marked: false },
      { text: 'c', marked: true },
    ]);
    expect(splitMarks('')).toEqual([]);
  });

  it('treats markup other than the marks as text', () => {
    expect(splitMarks('<b>x</b>')).toEqual([{ text: '<b>x</b>', marked: false }]);
  });
});
