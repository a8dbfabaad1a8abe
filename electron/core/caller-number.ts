import { normalizePhone } from '../../shared/domain/phone.js';

/**
 * The number a call or an order is filed under. The softphone may hand over a SIP or tel
 * URI ("sip:13800138000@pbx;user=phone"), the agent may type spaces and dashes; all of
 * them end up as one key (shared/domain/phone.ts). A caller id that is not a number
 * ("anonymous") is kept as typed, trimmed, so it still finds its own orders.
 */
export function callerNumberKey(raw: string): string {
  const user = raw
    .trim()
    .replace(/^(sips?|tel):/i, '')
    .split(/[@;]/)[0];
  return normalizePhone(user ?? '') ?? raw.trim();
}
