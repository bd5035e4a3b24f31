import { describe, expect, it } from 'vitest';
import { sumIntegers, toDecimalString } from './decimal';

describe('decimal strings for money', () => {
  it('keeps provider strings as they are and writes JSON numbers without float noise or exponents', () => {
    expect(toDecimalString('5339.50')).toBe('5339.50');
    expect(toDecimalString(12.3)).toBe('12.3');
    expect(toDecimalString(0.1)).toBe('0.1');
    expect(toDecimalString(1e-7)).toBe('0.0000001');
    expect(toDecimalString(1e21)).toBe('1000000000000000000000');
    expect(() => toDecimalString('12,50')).toThrow();
    expect(() => toDecimalString(Number.NaN)).toThrow();
  });

  it('writes tiny and negative exponent numbers in full, trailing zeros dropped', () => {
    expect(toDecimalString(-2.5e-7)).toBe('-0.00000025');
    expect(toDecimalString(1.5e-10)).toBe('0.00000000015');
    expect(toDecimalString(-1e21)).toBe('-1000000000000000000000');
  });

  it('sums conversions given as numbers or digit strings; missing ones add nothing', () => {
    expect(sumIntegers([3, '4', null, undefined])).toBe(7);
    expect(sumIntegers([null, undefined])).toBe(0);
  });
});
