/**
 * Base64 decoding without Node built-ins (the browser entry must not import them): the global
 * atob when the runtime has one, else a table-driven decoder; run once per module at load.
 */

const TABLE = (() => {
  const t = new Uint8Array(256).fill(255);
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = i;
  return t;
})();

/** Decodes standard base64: the runtime's atob where it exists (Node >= 16, browsers), else the table. */
export function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const atobFn = (globalThis as { atob?: (s: string) => string }).atob;
  if (typeof atobFn === 'function' && /^[A-Za-z0-9+/]*={0,2}$/.test(s)) {
    const bin = atobFn(s);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  return decodeBase64Table(s);
}

/** Decodes standard base64 (with or without '=' padding) with a table. @throws Error on a bad character */
export function decodeBase64Table(s: string): Uint8Array<ArrayBuffer> {
  let len = s.length;
  while (len > 0 && s.charCodeAt(len - 1) === 61 /* '=' */) len--;
  const out = new Uint8Array((len * 3) >> 2);
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < len; i++) {
    const v = TABLE[s.charCodeAt(i) & 255];
    if (v === 255 || s.charCodeAt(i) > 255) throw new Error(`base64: bad character at ${i}`);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 255;
    }
  }
  return out;
}
