import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SVG_HEAD_BYTES, svgDeclaredSize, svgHeadText } from './svg-size.ts';

const root = (attributes: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" ${attributes}><rect width="1" height="1"/></svg>`;

describe('svgDeclaredSize', () => {
  it('takes width and height in pixels, with or without px', () => {
    expect(svgDeclaredSize(root('width="300" height="150px"'))).toEqual({ width: 300, height: 150 });
  });

  it('converts absolute units at 72 dpi, as librsvg does for sharp', () => {
    // librsvg reports 100mm x 1in as 283 x 72, 100pt x 10pc as 100 x 120, 2em x 3em as 24 x 36, 10ex as 60.
    const mmIn = svgDeclaredSize(root('width="100mm" height="1in"'))!;
    expect(Math.round(mmIn.width!)).toBe(283);
    expect(mmIn.height).toBe(72);
    expect(svgDeclaredSize(root('width="100pt" height="10pc"'))).toEqual({ width: 100, height: 120 });
    expect(svgDeclaredSize(root('width="2em" height="3em"'))).toEqual({ width: 24, height: 36 });
    expect(svgDeclaredSize(root('width="10ex" height="7.5"'))).toEqual({ width: 60, height: 7.5 });
  });

  it('falls back on the viewBox when width and height are missing', () => {
    expect(svgDeclaredSize(root('viewBox="0 0 300 150"'))).toEqual({ width: 300, height: 150 });
    expect(svgDeclaredSize(root('viewBox="-5,-5, 400,100"'))).toEqual({ width: 400, height: 100 });
  });

  it('reads exponents, so a viewBox bomb shows its real size', () => {
    expect(svgDeclaredSize(root('viewBox="0 0 1e9 1e9"'))).toEqual({ width: 1e9, height: 1e9 });
    expect(svgDeclaredSize(root('width="1E9" height="2e+3"'))).toEqual({ width: 1e9, height: 2000 });
  });

  it('treats percentages and auto as not given, using the viewBox', () => {
    expect(svgDeclaredSize(root('width="50%" height="auto" viewBox="0 0 300 150"'))).toEqual({
      width: 300,
      height: 150,
    });
  });

  it('keeps the viewBox aspect ratio when only one dimension is given', () => {
    expect(svgDeclaredSize(root('width="200" viewBox="0 0 300 150"'))).toEqual({ width: 200, height: 100 });
    expect(svgDeclaredSize(root('height="300" viewBox="0 0 300 150"'))).toEqual({ width: 600, height: 300 });
  });

  it('says nothing about a dimension it cannot know', () => {
    expect(svgDeclaredSize(root('width="200"'))).toEqual({ width: 200, height: undefined });
    expect(svgDeclaredSize(root(''))).toEqual({ width: undefined, height: undefined });
    expect(svgDeclaredSize(root('width="0" height="-3" viewBox="0 0 0 10"'))).toEqual({
      width: undefined,
      height: undefined,
    });
    expect(svgDeclaredSize(root('width="12furlongs" height="NaN"'))).toEqual({ width: undefined, height: undefined });
  });

  it('skips the XML declaration, comments and a DOCTYPE with an internal subset', () => {
    const text =
      '<?xml version="1.0"?>\n<!-- width="9e9" -->\n<!DOCTYPE svg [ <!ENTITY a "<svg width=\'1\'>"> ]>\n' +
      root("width='640' height='480'");
    expect(svgDeclaredSize(text)).toEqual({ width: 640, height: 480 });
  });

  it('accepts a namespace prefix and ignores prefixed attributes', () => {
    expect(
      svgDeclaredSize('<svg:svg xmlns:svg="http://www.w3.org/2000/svg" a:width="9" width="10" height="20"/>'),
    ).toEqual({
      width: 10,
      height: 20,
    });
  });

  it('is undefined when the root element is not svg or is cut off', () => {
    expect(svgDeclaredSize('<html><svg width="10" height="10"/></html>')).toBeUndefined();
    expect(svgDeclaredSize('<svg width="10" height="1')).toBeUndefined();
    expect(svgDeclaredSize('plain text')).toBeUndefined();
    expect(svgDeclaredSize('<!-- never closed <svg width="1" height="1">')).toBeUndefined();
  });

  it('reads width and height from the style attribute, which wins over the attributes as in librsvg', () => {
    // librsvg reports style="width:40px;height:30px" on a 10 x 10 root as 40 x 30.
    expect(svgDeclaredSize(root('style="width:1e9px;height:1e9px"'))).toEqual({ width: 1e9, height: 1e9 });
    expect(svgDeclaredSize(root('width="10" height="10" style="width:40px;height:30px"'))).toEqual({
      width: 40,
      height: 30,
    });
    expect(svgDeclaredSize(root('viewBox="0 0 10 10" style="fill: red; width: 40px !important"'))).toEqual({
      width: 40,
      height: 40,
    });
    expect(svgDeclaredSize(root('width="20" style="width:40px; width:50px"'))).toEqual({
      width: 50,
      height: undefined,
    });
    expect(svgDeclaredSize(root('width="20" height="5" style="/* width:9e9px */ height: 3e9px"'))).toEqual({
      width: 20,
      height: 3e9,
    });
  });

  it('decodes character references and the predefined entities in the size attributes', () => {
    expect(svgDeclaredSize(root('width="&#49;e9" height="&#x31;e9"'))).toEqual({ width: 1e9, height: 1e9 });
    expect(svgDeclaredSize(root('width="40" height="30" style="width:&quot;x&quot;"'))).toEqual({
      width: undefined,
      height: 30,
    });
  });

  it('names an entity from the DOCTYPE used in a size attribute, which it does not expand', () => {
    const text = '<!DOCTYPE svg [<!ENTITY w "1e9">]>' + root('width="&w;" height="&w;"');
    expect(svgDeclaredSize(text)?.fromDoctype).toBe('the entity &w; in its width attribute');
    const styled = '<!DOCTYPE svg [<!ENTITY s "width:1e9px">]>' + root('width="10" height="10" style="&s;"');
    expect(svgDeclaredSize(styled)?.fromDoctype).toBe('the entity &s; in its style attribute');
  });

  it('names attribute defaults and parameter entities in the internal subset, even behind a bracket in a value', () => {
    const attlist = '<!DOCTYPE svg [<!ENTITY b "]>"><!ATTLIST svg width CDATA "1e9">]>' + root('');
    expect(svgDeclaredSize(attlist)?.fromDoctype).toBe('attribute defaults (<!ATTLIST) in its DOCTYPE');
    const hidden = '<!DOCTYPE svg [<!ENTITY % p "&#60;!ATTLIST svg width CDATA \'1e9\'>"> %p;]>' + root('');
    expect(svgDeclaredSize(hidden)?.fromDoctype).toBe('a parameter entity (<!ENTITY %) in its DOCTYPE');
  });

  it('lets entities that do not touch the size pass, as in Illustrator files', () => {
    const text =
      '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [\n' +
      '  <!ENTITY ns_ai "http://ns.adobe.com/AdobeIllustrator/10.0/">\n  <!-- no <!ATTLIST here -->\n]>\n' +
      root('xmlns:i="&ns_ai;" width="595.28px" height="841.89px"');
    expect(svgDeclaredSize(text)).toEqual({ width: 595.28, height: 841.89 });
  });
});

describe('svgHeadText', () => {
  it('gunzips an svgz, so its root element can be read', async () => {
    const text = root('viewBox="0 0 1e9 1e9"');
    expect(await svgHeadText(gzipSync(text))).toBe(text);
  });

  it('reads a gzip stream cut off after its first bytes', async () => {
    const text = root('width="3e9"') + '<!--' + 'x'.repeat(200_000) + '-->';
    const head = await svgHeadText(gzipSync(text, { level: 0 }).subarray(0, 1000));
    expect(head.length).toBeGreaterThan(500);
    expect(text.startsWith(head)).toBe(true);
    expect(svgDeclaredSize(head)).toEqual({ width: 3e9, height: undefined });
  });

  it('inflates no more than SVG_HEAD_BYTES of a stream that would inflate to 64 MiB', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(SVG_HEAD_BYTES * 2);
    expect((await svgHeadText(bomb)).length).toBe(SVG_HEAD_BYTES);
  });

  it('passes plain text through, and does not throw on a broken stream (sharp refuses those itself)', async () => {
    expect(await svgHeadText(Buffer.from(root('')))).toBe(root(''));
    const gz = gzipSync(root('width="5"'));
    gz[gz.length - 5]! ^= 0xff; // the length in the trailer no longer matches
    expect(root('width="5"').startsWith(await svgHeadText(gz))).toBe(true);
  });
});
