/**
 * One key per caller number, so that "+86 138-0013-8000", "008613800138000" and
 * "13800138000" find the same history. Dongguan facts (../shared/domain): mobiles have
 * 11 digits starting with 1; fixed lines are 0769 plus 8 digits; a local caller may
 * present the 8 digits alone.
 */
const DONGGUAN_AREA_CODE = '0769';

export function normalizePhone(raw: string): string | null {
  let digits = raw.normalize('NFKC').replace(/[\s\-().]/g, '');
  if (digits.startsWith('+')) digits = '00' + digits.slice(1);
  if (!/^\d{3,20}$/.test(digits)) return null;
  if (digits.startsWith('0086')) digits = digits.slice(4);
  else if (digits.startsWith('86') && digits.length === 13) digits = digits.slice(2);
  if (/^01\d{10}$/.test(digits)) digits = digits.slice(1);
  if (/^1\d{10}$/.test(digits)) return digits;
  if (/^[2-9]\d{7}$/.test(digits)) return DONGGUAN_AREA_CODE + digits;
  if (/^0\d{9,11}$/.test(digits)) return digits;
  return digits.length >= 3 && digits.length <= 6 ? digits : null;
}

/** Masks a number for logs: keeps the first three and last four digits. */
export function maskPhone(phone: string): string {
  if (phone.length <= 7) return phone.replace(/\d(?=\d{2})/g, '*');
  return phone.slice(0, 3) + '*'.repeat(phone.length - 7) + phone.slice(-4);
}
