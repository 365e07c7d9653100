import { describe, expect, it } from 'vitest';
import { displayUrl, maskUrlSecrets } from './url-display.ts';

describe('maskUrlSecrets (logs)', () => {
  it('masks secret-looking parameters and keeps the others', () => {
    expect(maskUrlSecrets('/x?sig=abc&w=100&X-Amz-Signature=s')).toBe('/x?sig=***&w=100&X-Amz-Signature=***');
    expect(maskUrlSecrets('/sourceimages/acme?limit=5&sort=name')).toBe('/sourceimages/acme?limit=5&sort=name');
  });

  it('masks the user name and password of URLs in text', () => {
    expect(maskUrlSecrets('fetch of https://alice:s3cret@h.example/a.jpg failed')).toBe(
      'fetch of https://***@h.example/a.jpg failed',
    );
    expect(maskUrlSecrets('mail alice@example.com about it')).toBe('mail alice@example.com about it');
  });
});

describe('displayUrl (remote URLs)', () => {
  it('masks every query value, the credentials and the fragment, keeping parameter names', () => {
    expect(displayUrl('https://u:p@h.example/a.jpg?w=100&sig=abc&w=200#frag')).toBe(
      'https://***:***@h.example/a.jpg?w=***&sig=***#***',
    );
    expect(displayUrl('https://h.example/a.jpg?onlyvalue')).toBe('https://h.example/a.jpg?onlyvalue=***');
  });

  it('shows a plain URL as given', () => {
    expect(displayUrl('https://h.example/a%20b.jpg')).toBe('https://h.example/a%20b.jpg');
  });

  it('masks the credentials, query and fragment of a URL that does not parse as http(s)', () => {
    expect(displayUrl('http://user:pass@bad host/x.jpg?sig=abc')).toBe('http://***@bad host/x.jpg?***');
    expect(displayUrl('user:pass@[::1/x')).toBe('***@[::1/x');
    expect(displayUrl('http://a@b:p@ss@bad host/#frag')).toBe('http://***@bad host/#***');
    expect(displayUrl('not a url at all')).toBe('not a url at all');
    expect(displayUrl('ftp://u:p@h.example/x?k=v')).toBe('ftp://***@h.example/x?***');
  });
});
