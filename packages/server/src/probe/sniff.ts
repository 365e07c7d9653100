// A format recognized from a file's first bytes alone.

/** Recognize a format from its first bytes, to tell "broken" from "not an image". */
export function sniff(head: Buffer): string | undefined {
  const ascii = (at: number, text: string) => head.toString('latin1', at, at + text.length) === text;
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpg';
  if (ascii(0, '\x89PNG\r\n\x1a\n')) return 'png';
  if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return 'gif';
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'webp';
  if (ascii(0, 'II*\0') || ascii(0, 'MM\0*') || ascii(0, 'II+\0') || ascii(0, 'MM\0+')) return 'tiff';
  if (ascii(4, 'ftyp')) {
    const brand = head.toString('latin1', 8, 12);
    if (brand === 'avif' || brand === 'avis') return 'avif';
    if (['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1'].includes(brand)) return 'heic';
  }
  if (ascii(0, '%PDF-')) return 'pdf';
  if ((head[0] === 0xff && head[1] === 0x0a) || ascii(4, 'JXL \r\n\x87\n')) return 'jxl';
  if (ascii(4, 'jP  \r\n\x87\n') || (head[0] === 0xff && head[1] === 0x4f && head[2] === 0xff && head[3] === 0x51)) {
    return 'jp2';
  }
  const text = head.toString('utf8');
  if (/^\s*</.test(text) && text.includes('<svg')) return 'svg';
  return undefined;
}
