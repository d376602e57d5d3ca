/**
 * SMS parts of a message text, as carriers bill them. A text every character of which is in the
 * GSM 03.38 alphabet is sent GSM-7: up to 160 septets in one part, else 153 per part (7 go to the
 * concatenation header); a character of the extension table (`€ [ ] { } \ ~ ^ |` and form feed)
 * takes two septets (escape + character). Any other character sends the whole text UCS-2: up to 70
 * UTF-16 code units in one part, else 67 per part (an emoji outside the BMP counts two). `¥` is in
 * the GSM-7 basic set; Chinese text is UCS-2.
 */

/** The GSM 03.38 basic character set (the escape character itself excluded). */
const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
/** The GSM 03.38 extension table: two septets each. */
const GSM7_EXTENSION = new Set('^{}\\[~]|€\f');

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsParts {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  parts: number;
}

export const SMS_LIMITS: Record<SmsEncoding, { single: number; perPart: number }> = {
  'GSM-7': { single: 160, perPart: 153 },
  'UCS-2': { single: 70, perPart: 67 },
};

/**
 * The encoding and number of parts of an SMS text. An empty text is one part.
 *
 * @example smsParts('Reminder: ¥406.36 will be debited on Dec 8, 2026.') // { encoding: 'GSM-7', units: 50, parts: 1 }
 */
export function smsParts(text: string): SmsParts {
  let septets = 0;
  let gsm = true;
  for (const ch of text) {
    if (GSM7_BASIC.has(ch)) septets += 1;
    else if (GSM7_EXTENSION.has(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  const encoding: SmsEncoding = gsm ? 'GSM-7' : 'UCS-2';
  const units = gsm ? septets : text.length;
  const { single, perPart } = SMS_LIMITS[encoding];
  return { encoding, units, parts: units <= single ? 1 : Math.ceil(units / perPart) };
}
