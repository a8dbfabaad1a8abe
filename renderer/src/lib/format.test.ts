import { describe, expect, it } from 'vitest';
import { formatDuration, formatPhone, waitSeconds } from './format';

describe('format', () => {
  it('formats durations as m:ss and h:mm:ss', () => {
    expect(formatDuration(0)).toBe('00:00');
    expect(formatDuration(65_400)).toBe('01:05');
    expect(formatDuration(3_725_000)).toBe('1:02:05');
    expect(formatDuration(-5)).toBe('00:00');
  });

  it('rounds waits to whole seconds', () => {
    expect(waitSeconds(12_400)).toBe(12);
    expect(waitSeconds(12_600)).toBe(13);
  });

  it('groups mobiles and Dongguan fixed lines', () => {
    expect(formatPhone('13800138000')).toBe('138 0013 8000');
    expect(formatPhone('076922123456')).toBe('0769-2212-3456');
    expect(formatPhone('1001')).toBe('1001');
  });
});
