import { describe, expect, it } from 'vitest';
import { maskPhone, normalizePhone } from './phone.js';

describe('normalizePhone', () => {
  it.each([
    ['13800138000', '13800138000'],
    ['+86 138-0013-8000', '13800138000'],
    ['008613800138000', '13800138000'],
    ['8613800138000', '13800138000'],
    ['１３８００１３８０００', '13800138000'],
  ])('keys the mobile %s as %s', (raw, key) => {
    expect(normalizePhone(raw)).toBe(key);
  });

  it.each([
    ['0769-22345678'],
    ['22345678'],
    ['+86-769-22345678'],
    ['+8676922345678'],
    ['0086 769 2234 5678'],
    ['8676922345678'],
    ['+86 0769 22345678'],
    ['（0769）２２３４５６７８'],
  ])('keys the Dongguan fixed line %s as 076922345678', (raw) => {
    expect(normalizePhone(raw)).toBe('076922345678');
  });

  it.each([
    ['+86 10 1234 5678', '01012345678'],
    ['010-12345678', '01012345678'],
    ['+86 20 8765 4321', '02087654321'],
    ['0086755 8888 9999', '075588889999'],
    ['+86 571 1234567', '05711234567'],
    ['862087654321', '02087654321'],
  ])('keys the fixed line %s with its area code as %s, like its national form', (raw, key) => {
    expect(normalizePhone(raw)).toBe(key);
  });

  it.each(['12345', '110'])('keeps the service number %s as it is', (raw) => {
    expect(normalizePhone(raw)).toBe(raw);
  });

  it.each([
    'anonymous',
    '+86',
    '+86 12',
    '0086 0',
    '+1 212 555 0100',
    '+86 5 1234',
    '12345678901234',
  ])('refuses %s', (raw) => {
    expect(normalizePhone(raw)).toBeNull();
  });
});

describe('maskPhone', () => {
  it('keeps the first three and last four digits', () => {
    expect(maskPhone('076922345678')).toBe('076*****5678');
    expect(maskPhone('13800138000')).toBe('138****8000');
  });
});
