import { describe, expect, it } from 'vitest';
import { svgDeclaredSize } from './svg-size.ts';

const root = (attributes: string) => `<svg xmlns="http://www.w3.org/2000/svg" ${attributes}><rect width="1" height="1"/></svg>`;

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
    expect(svgDeclaredSize(root('width="50%" height="auto" viewBox="0 0 300 150"'))).toEqual({ width: 300, height: 150 });
  });

  it('keeps the viewBox aspect ratio when only one dimension is given', () => {
    expect(svgDeclaredSize(root('width="200" viewBox="0 0 300 150"'))).toEqual({ width: 200, height: 100 });
    expect(svgDeclaredSize(root('height="300" viewBox="0 0 300 150"'))).toEqual({ width: 600, height: 300 });
  });

  it('says nothing about a dimension it cannot know', () => {
    expect(svgDeclaredSize(root('width="200"'))).toEqual({ width: 200, height: undefined });
    expect(svgDeclaredSize(root(''))).toEqual({ width: undefined, height: undefined });
    expect(svgDeclaredSize(root('width="0" height="-3" viewBox="0 0 0 10"'))).toEqual({ width: undefined, height: undefined });
    expect(svgDeclaredSize(root('width="12furlongs" height="NaN"'))).toEqual({ width: undefined, height: undefined });
  });

  it('skips the XML declaration, comments and a DOCTYPE with an internal subset', () => {
    const text =
      '<?xml version="1.0"?>\n<!-- width="9e9" -->\n<!DOCTYPE svg [ <!ENTITY a "<svg width=\'1\'>"> ]>\n' +
      root("width='640' height='480'");
    expect(svgDeclaredSize(text)).toEqual({ width: 640, height: 480 });
  });

  it('accepts a namespace prefix and ignores prefixed attributes', () => {
    expect(svgDeclaredSize('<svg:svg xmlns:svg="http://www.w3.org/2000/svg" a:width="9" width="10" height="20"/>')).toEqual({
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
});
