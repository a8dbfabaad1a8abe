import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Citizen data at rest on the seat is encrypted (DESIGN §5). The key comes from outside
 * the core: Electron's safeStorage on a desktop seat, or the hub at login for a web seat.
 * Without a key the sealer stores plain JSON, so a developer seat still works; the core
 * logs a warning when that happens.
 *
 * Sealed text is `s1:` + base64(iv | tag | AES-256-GCM ciphertext). Caller numbers are
 * looked up by an HMAC of the normalised number, so the number itself is not stored.
 */
export interface Sealer {
  readonly encrypting: boolean;
  seal(plain: string): string;
  open(stored: string): string;
  /** Keys under which a number may have been stored, the current one first. */
  lookupKeys(normalizedNumber: string): string[];
}

const PREFIX = 's1:';

/** Whether a stored value is sealed text (not plain JSON from a seat without a key). */
export function isSealed(stored: string): boolean {
  return stored.startsWith(PREFIX);
}

export function createSealer(dataKey?: Uint8Array): Sealer {
  if (!dataKey) return plainSealer;
  if (dataKey.byteLength < 32) throw new Error('The seat data key must be at least 32 bytes.');

  const derive = (info: string) =>
    Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), `hotline-desk ${info}`, 32));
  const encKey = derive('orders aes-256-gcm');
  const macKey = derive('caller hmac');

  return {
    encrypting: true,
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encKey, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    open(stored) {
      if (!stored.startsWith(PREFIX)) return stored;
      const raw = Buffer.from(stored.slice(PREFIX.length), 'base64');
      const decipher = createDecipheriv('aes-256-gcm', encKey, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      try {
        return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString();
      } catch {
        throw new Error('A local order cannot be decrypted: the seat data key has changed.');
      }
    },
    lookupKeys(number) {
      const mac = createHmac('sha256', macKey).update(number).digest('base64url');
      // Rows written before the seat had a key carry the plain number.
      return ['h:' + mac, number];
    },
  };
}

const plainSealer: Sealer = {
  encrypting: false,
  seal: (plain) => plain,
  open(stored) {
    if (stored.startsWith(PREFIX)) {
      throw new Error('A local order is encrypted and the seat was started without its key.');
    }
    return stored;
  },
  lookupKeys: (number) => [number],
};
