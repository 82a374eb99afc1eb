// SDES crypto attribute, RFC 4568 §9.1 grammar:
//
//   a=crypto:<tag> <crypto-suite> <key-params> [<session-params>]
//   tag        = 1*9DIGIT
//   key-params = key-param *(";" key-param)
//   key-param  = key-method ":" key-info          ; key-method "inline" (§6.1)
//   key-info   = key-salt ["|" lifetime] ["|" mki] ; §6.1 SRTP key parameters
//   lifetime   = ["2^"] 1*DIGIT
//   mki        = mki-value ":" mki-length

import type { SdpCryptoAttribute, SdpCryptoKeyParam } from './sdp-session-description.js';

function parseKeyParam(text: string): SdpCryptoKeyParam | undefined {
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  const method = text.slice(0, colon).toLowerCase();
  const [keySalt, ...rest] = text.slice(colon + 1).split('|');
  if (keySalt === undefined || keySalt === '') return undefined;
  let lifetime: string | undefined;
  let mki: SdpCryptoKeyParam['mki'];
  for (const field of rest) {
    const mkiMatch = /^(\d{1,128}):(\d{1,3})$/.exec(field);
    if (mkiMatch !== null) {
      mki = { value: mkiMatch[1] ?? '', length: Number(mkiMatch[2]) };
    } else if (/^(2\^)?\d{1,20}$/.test(field)) {
      lifetime = field;
    } else {
      return undefined;
    }
  }
  return {
    method,
    keySalt,
    ...(lifetime === undefined ? {} : { lifetime }),
    ...(mki === undefined ? {} : { mki }),
  };
}

/** Parse the value of one `a=crypto` attribute; undefined when it does not follow the grammar. */
export function parseSdpCryptoAttribute(value: string): SdpCryptoAttribute | undefined {
  const [tagText, suite, keyParamsText, ...sessionParams] = value.trim().split(/\s+/);
  if (tagText === undefined || suite === undefined || keyParamsText === undefined) return undefined;
  if (!/^\d{1,9}$/.test(tagText)) return undefined;
  const keyParams: SdpCryptoKeyParam[] = [];
  for (const piece of keyParamsText.split(';')) {
    const keyParam = parseKeyParam(piece);
    if (keyParam === undefined) return undefined;
    keyParams.push(keyParam);
  }
  return { tag: Number(tagText), suite, keyParams, sessionParams };
}
