/**
 * One key per caller number, so that "+86 138-0013-8000", "008613800138000" and
 * "13800138000" find the same history. The key is the national form: a mobile's 11
 * digits (starting with 1), or a fixed line as 0 + area code + subscriber number
 * (0769-22345678, 010-12345678). Dongguan facts (../shared/domain): its fixed lines are
 * 0769 plus 8 digits, and a local caller may present the 8 digits alone.
 *
 * With the country code (+86, 0086) a fixed line drops its trunk 0 (ITU-T E.164):
 * +86 769 2234 5678 and +86 10 1234 5678 are 0769-22345678 and 010-12345678, so the 0
 * is put back. Answers null for what is not a number the hotline can be called from.
 */
const DONGGUAN_AREA_CODE = '0769';

/** Area code without its 0 (2 to 4 digits) and a 7- or 8-digit subscriber number. */
const INTERNATIONAL_FIXED_LINE = /^[2-9]\d{8,10}$|^10\d{8}$/;

export function normalizePhone(raw: string): string | null {
  let digits = raw.normalize('NFKC').replace(/[\s\-().]/g, '');
  if (digits.startsWith('+')) digits = '00' + digits.slice(1);
  if (!/^\d{3,20}$/.test(digits)) return null;

  const national = withoutCountryCode(digits);
  if (national !== null) {
    if (/^0?1\d{10}$/.test(national)) return national.slice(-11);
    if (INTERNATIONAL_FIXED_LINE.test(national)) return '0' + national;
    if (/^0\d{9,11}$/.test(national)) return national;
    return null;
  }

  if (/^01\d{10}$/.test(digits)) digits = digits.slice(1);
  if (/^1\d{10}$/.test(digits)) return digits;
  if (/^[2-9]\d{7}$/.test(digits)) return DONGGUAN_AREA_CODE + digits;
  if (/^0\d{9,11}$/.test(digits)) return digits;
  return digits.length >= 3 && digits.length <= 6 ? digits : null;
}

/**
 * The digits after China's country code, or null when there is none: 0086..., or 86
 * followed by a mobile or a fixed line without its 0 (13 or 12 digits in all: 86 and 11
 * or 10 digits; a shorter "86..." is a local number, such as a Dongguan 8-digit one).
 */
function withoutCountryCode(digits: string): string | null {
  if (digits.startsWith('0086')) return digits.slice(4);
  if (/^86\d{10,11}$/.test(digits)) return digits.slice(2);
  return null;
}

/** Masks a number for logs: keeps the first three and last four digits. */
export function maskPhone(phone: string): string {
  if (phone.length <= 7) return phone.replace(/\d(?=\d{2})/g, '*');
  return phone.slice(0, 3) + '*'.repeat(phone.length - 7) + phone.slice(-4);
}
