/**
 * The few lines of bencode that rtpengine's ng control protocol needs: dictionaries,
 * lists, byte strings and integers. Strings are decoded as UTF-8.
 */
export type BValue = string | number | Buffer | BValue[] | { [key: string]: BValue };

export function bencode(value: BValue): Buffer {
  const parts: Buffer[] = [];
  const put = (v: BValue): void => {
    if (typeof v === 'number') {
      if (!Number.isInteger(v)) throw new Error(`bencode: ${v} is not an integer`);
      parts.push(Buffer.from(`i${v}e`));
    } else if (typeof v === 'string' || Buffer.isBuffer(v)) {
      const bytes = typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
      parts.push(Buffer.from(`${bytes.length}:`), bytes);
    } else if (Array.isArray(v)) {
      parts.push(Buffer.from('l'));
      v.forEach(put);
      parts.push(Buffer.from('e'));
    } else {
      parts.push(Buffer.from('d'));
      // Keys sorted as raw byte strings (the bencode rule).
      for (const key of Object.keys(v).sort()) {
        put(key);
        put(v[key] as BValue);
      }
      parts.push(Buffer.from('e'));
    }
  };
  put(value);
  return Buffer.concat(parts);
}

export function bdecode(data: Buffer): BValue {
  let pos = 0;
  const fail = (what: string): never => {
    throw new Error(`bdecode: ${what} at byte ${pos}`);
  };
  const read = (): BValue => {
    const c = data[pos];
    if (c === undefined) return fail('unexpected end');
    if (c === 0x69 /* i */) {
      const end = data.indexOf(0x65, pos);
      if (end < 0) return fail('unterminated integer');
      const n = Number(data.toString('ascii', pos + 1, end));
      pos = end + 1;
      return n;
    }
    if (c === 0x6c /* l */) {
      pos++;
      const list: BValue[] = [];
      while (data[pos] !== 0x65) list.push(read());
      pos++;
      return list;
    }
    if (c === 0x64 /* d */) {
      pos++;
      const dict: { [key: string]: BValue } = {};
      while (data[pos] !== 0x65) {
        const key = read();
        if (typeof key !== 'string') return fail('dictionary key is not a string');
        dict[key] = read();
      }
      pos++;
      return dict;
    }
    if (c >= 0x30 && c <= 0x39) {
      const colon = data.indexOf(0x3a, pos);
      if (colon < 0) return fail('string without length');
      const len = Number(data.toString('ascii', pos, colon));
      const start = colon + 1;
      if (start + len > data.length) return fail('string past the end');
      pos = start + len;
      return data.toString('utf8', start, start + len);
    }
    return fail(`unexpected byte 0x${c.toString(16)}`);
  };
  const value = read();
  if (pos !== data.length) fail('trailing bytes');
  return value;
}
