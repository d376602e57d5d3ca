/** SMS parts as carriers bill them: GSM-7 160 / 153, UCS-2 70 / 67 (UTF-16 code units). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { smsParts } from '../../tools/report/sms';

describe('smsParts', () => {
  it.each<[string, string, { encoding: string; units: number; parts: number }]>([
    ['an empty text', '', { encoding: 'GSM-7', units: 0, parts: 1 }],
    ['160 GSM-7 characters', 'a'.repeat(160), { encoding: 'GSM-7', units: 160, parts: 1 }],
    ['161 GSM-7 characters', 'a'.repeat(161), { encoding: 'GSM-7', units: 161, parts: 2 }],
    ['306 GSM-7 characters (2 x 153)', 'a'.repeat(306), { encoding: 'GSM-7', units: 306, parts: 2 }],
    ['307 GSM-7 characters', 'a'.repeat(307), { encoding: 'GSM-7', units: 307, parts: 3 }],
    ['¥, é and a newline (basic set)', '¥1,011.00 é\n', { encoding: 'GSM-7', units: 12, parts: 1 }],
    ['€ and [ ] (two septets each)', `${'a'.repeat(157)}€`, { encoding: 'GSM-7', units: 159, parts: 1 }],
    [
      'an extension character crossing 160',
      `${'a'.repeat(159)}€`,
      { encoding: 'GSM-7', units: 161, parts: 2 },
    ],
    ['70 Chinese characters', '还'.repeat(70), { encoding: 'UCS-2', units: 70, parts: 1 }],
    ['71 Chinese characters', '还'.repeat(71), { encoding: 'UCS-2', units: 71, parts: 2 }],
    ['134 Chinese characters (2 x 67)', '还'.repeat(134), { encoding: 'UCS-2', units: 134, parts: 2 }],
    ['135 Chinese characters', '还'.repeat(135), { encoding: 'UCS-2', units: 135, parts: 3 }],
    [
      'one Chinese character makes the whole text UCS-2',
      `${'a'.repeat(100)}元`,
      { encoding: 'UCS-2', units: 101, parts: 2 },
    ],
    ['an emoji counts two code units', `${'a'.repeat(69)}😀`, { encoding: 'UCS-2', units: 71, parts: 2 }],
    ['a curly quote is not GSM-7', 'it’s due', { encoding: 'UCS-2', units: 8, parts: 1 }],
  ])('%s', (_name, text, expected) => {
    expect(smsParts(text)).toEqual(expected);
  });

  it('reads the simulator’s messages: English GSM-7, Chinese UCS-2', () => {
    expect(
      smsParts(
        'Reminder: ¥1,214.16 will be debited automatically on Dec 5, 2026. Please keep enough funds on your repayment card.',
      ),
    ).toMatchObject({ encoding: 'GSM-7', parts: 1 });
    expect(
      smsParts('【还款提醒】您本期应还¥406.36，将于12月8日自动扣款，请确保还款卡余额充足。'),
    ).toMatchObject({
      encoding: 'UCS-2',
      parts: 1,
    });
  });

  it('never bills fewer parts than the text needs, nor a part more than needed', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (text) => {
        const { encoding, units, parts } = smsParts(text);
        const [single, perPart] = encoding === 'GSM-7' ? [160, 153] : [70, 67];
        expect(parts).toBeGreaterThanOrEqual(1);
        if (units <= single) expect(parts).toBe(1);
        else {
          expect(parts * perPart).toBeGreaterThanOrEqual(units);
          expect((parts - 1) * perPart).toBeLessThan(units);
        }
        if (encoding === 'UCS-2') expect(units).toBe(text.length);
      }),
    );
  });
});
