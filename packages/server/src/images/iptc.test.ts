import { describe, expect, it } from 'vitest';
import { findIim, parseIim, parseIptc } from './iptc.ts';

function dataset(record: number, num: number, data: string | Buffer): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const header = Buffer.from([0x1c, record, num, 0, 0]);
  header.writeUInt16BE(body.length, 3);
  return Buffer.concat([header, body]);
}

function photoshopBlock(iim: Buffer, withHeader = true): Buffer {
  const other = Buffer.alloc(12 + 4);
  other.write('8BIM', 0, 'latin1');
  other.writeUInt16BE(0x03ed, 4); // resolution info, to be skipped
  other.writeUInt32BE(4, 8);
  const resource = Buffer.alloc(12);
  resource.write('8BIM', 0, 'latin1');
  resource.writeUInt16BE(0x0404, 4);
  resource.writeUInt32BE(iim.length, 8);
  const parts = [other, resource, iim, Buffer.alloc(iim.length % 2)];
  if (withHeader) parts.unshift(Buffer.from('Photoshop 3.0\0', 'latin1'));
  return Buffer.concat(parts);
}

const UTF8 = dataset(1, 90, Buffer.from([0x1b, 0x25, 0x47]));

describe('parseIim', () => {
  it('names record 2 datasets and collects repeated ones into arrays', () => {
    const iim = Buffer.concat([
      UTF8,
      dataset(2, 0, Buffer.from([0, 4])),
      dataset(2, 5, 'A title'),
      dataset(2, 25, 'cat'),
      dataset(2, 25, 'Zürich'),
      dataset(2, 80, 'Jane Doe'),
      dataset(2, 116, '© origo'),
      dataset(2, 120, 'A caption\0\0'),
    ]);
    expect(parseIim(iim)).toEqual({
      RecordVersion: 4,
      ObjectName: 'A title',
      Keywords: ['cat', 'Zürich'],
      Byline: ['Jane Doe'],
      CopyrightNotice: '© origo',
      Caption: 'A caption',
    });
  });

  it('falls back to Latin-1 for text that is not UTF-8 when no charset is declared', () => {
    const iim = dataset(2, 90, Buffer.from('Z\xfcrich', 'latin1'));
    expect(parseIim(iim)).toEqual({ City: 'Zürich' });
  });

  it('reads extended-length datasets and skips unknown and record 1 datasets', () => {
    const body = Buffer.from('long caption', 'utf8');
    const extended = Buffer.concat([Buffer.from([0x1c, 2, 120, 0x80, 0x02]), Buffer.from([0, body.length]), body]);
    const iim = Buffer.concat([dataset(1, 20, 'envelope'), dataset(2, 199, 'unknown'), extended]);
    expect(parseIim(iim)).toEqual({ Caption: 'long caption' });
  });

  it('keeps what precedes damage and never throws', () => {
    const good = dataset(2, 5, 'Title');
    const cut = dataset(2, 120, 'this caption is cut').subarray(0, 10);
    expect(parseIim(Buffer.concat([good, cut]))).toEqual({ ObjectName: 'Title' });
    expect(parseIim(Buffer.from([0x1c, 2]))).toEqual({});
    expect(parseIim(Buffer.alloc(0))).toEqual({});
  });
});

describe('parseIptc', () => {
  const iim = Buffer.concat([UTF8, dataset(2, 25, 'dog'), dataset(2, 25, 'bone')]);

  it('finds IIM inside a Photoshop resource block (JPEG APP13)', () => {
    expect(parseIptc(photoshopBlock(iim))).toEqual({ Keywords: ['dog', 'bone'] });
  });

  it('finds IIM in bare 8BIM resources (TIFF photoshop tag) and in bare IIM', () => {
    expect(parseIptc(photoshopBlock(iim, false))).toEqual({ Keywords: ['dog', 'bone'] });
    expect(parseIptc(iim)).toEqual({ Keywords: ['dog', 'bone'] });
  });

  it('returns undefined when there is nothing to report', () => {
    expect(parseIptc(Buffer.from('Photoshop 3.0\0garbage', 'latin1'))).toBeUndefined();
    expect(parseIptc(Buffer.alloc(0))).toBeUndefined();
    expect(parseIptc(UTF8)).toBeUndefined();
    expect(findIim(Buffer.from('not iptc'))).toBeUndefined();
  });
});
