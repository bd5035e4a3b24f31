import { describe, expect, it } from 'vitest';
import { isLoopbackHost, lastForwarded, parseHostHeader } from './host';

describe('parseHostHeader', () => {
  it('splits a name, an IPv4 or a bracketed IPv6 address from its port, lower-cased', () => {
    expect(parseHostHeader('LocalHost:3000')).toEqual({ hostname: 'localhost', port: '3000' });
    expect(parseHostHeader('grantkeeper.example.com')).toEqual({ hostname: 'grantkeeper.example.com', port: '' });
    expect(parseHostHeader('[::1]:8080')).toEqual({ hostname: '[::1]', port: '8080' });
  });

  it('refuses what is not a host: empty, user info, paths, bad ports, unbracketed IPv6', () => {
    for (const value of [null, '', 'user@localhost', 'localhost/x', 'localhost:0', 'localhost:70000', '::1', 'a b', 'localhost:3000:1']) {
      expect(parseHostHeader(value), String(value)).toBeNull();
    }
  });
});

describe('isLoopbackHost', () => {
  it('accepts localhost, 127.0.0.0/8 and [::1], with or without a port', () => {
    for (const value of ['localhost', 'localhost:3000', '127.0.0.1:3000', '127.1.2.3', '[::1]:3000', 'LOCALHOST:1']) {
      expect(isLoopbackHost(value), value).toBe(true);
    }
  });

  it('refuses every other name, including ones that only look local (DNS rebinding)', () => {
    for (const value of [
      'attacker.example:3000',
      'localhost.attacker.example',
      '127.0.0.1.nip.io',
      'app.localhost:3000',
      '10.0.0.5:3000',
      '0.0.0.0:3000',
      '128.0.0.1',
      '127.0.0.256',
      '127.000.0.1',
      '[::ffff:127.0.0.1]',
      '[::2]',
      '',
      null,
    ]) {
      expect(isLoopbackHost(value), String(value)).toBe(false);
    }
  });
});

describe('lastForwarded', () => {
  it('takes the value our own proxy appended, not what the client sent before it', () => {
    expect(lastForwarded('evil.example, app.example.com')).toBe('app.example.com');
    expect(lastForwarded(' app.example.com ')).toBe('app.example.com');
    expect(lastForwarded(null)).toBeNull();
    expect(lastForwarded('')).toBeNull();
  });
});
