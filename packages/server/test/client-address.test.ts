// What the per-address limits count a client as: IPv4 as is, IPv6 by /64.

import { describe, expect, it } from 'vitest';
import { addressBucket } from '../src/http/client-address.ts';

describe('addressBucket', () => {
  it('keeps IPv4 addresses', () => {
    expect(addressBucket('203.0.113.10')).toBe('203.0.113.10');
    expect(addressBucket('127.0.0.1')).toBe('127.0.0.1');
  });

  it('counts an IPv4-mapped IPv6 address as the IPv4 address, however it is written', () => {
    expect(addressBucket('::ffff:203.0.113.10')).toBe('203.0.113.10');
    expect(addressBucket('::FFFF:203.0.113.10')).toBe('203.0.113.10');
    expect(addressBucket('0:0:0:0:0:ffff:203.0.113.10')).toBe('203.0.113.10');
    expect(addressBucket('::ffff:cb00:710a')).toBe('203.0.113.10');
  });

  it('counts every address of one /64 as the same, whatever its notation', () => {
    const bucket = '2001:db8:1:2::/64';
    for (const address of [
      '2001:db8:1:2::1',
      '2001:db8:1:2:ffff:ffff:ffff:ffff',
      '2001:0DB8:0001:0002:0000:0000:0000:0001',
      '2001:db8:1:2:a:b:1.2.3.4',
      '2001:db8:1:2::9%eth0',
    ]) {
      expect(addressBucket(address), address).toBe(bucket);
    }
  });

  it('tells neighbouring /64s apart', () => {
    expect(addressBucket('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(addressBucket('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressBucket('::1')).toBe('0:0:0:0::/64');
    expect(addressBucket('fe80::1:2:3:4')).toBe('fe80:0:0:0::/64');
    // Only ::ffff:0:0/96 is IPv4; a look-alike elsewhere is an IPv6 address.
    expect(addressBucket('::fffe:203.0.113.10')).toBe('0:0:0:0::/64');
  });

  it('leaves what is not an address alone (a forged header), so it is still one bucket', () => {
    expect(addressBucket('unknown')).toBe('unknown');
    expect(addressBucket('')).toBe('');
  });
});
