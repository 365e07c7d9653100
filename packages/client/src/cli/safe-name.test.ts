import { describe, expect, it } from 'vitest';
import { safeFileName } from './safe-name.ts';

describe('safeFileName', () => {
  it('keeps only the last segment, so a name cannot climb out of the folder', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('..\\..\\boot.ini')).toBe('boot.ini');
    expect(safeFileName('/abs/path/photo.jpg')).toBe('photo.jpg');
  });

  it('leaves nothing hidden or empty', () => {
    expect(safeFileName('..')).toBeUndefined();
    expect(safeFileName('dir/')).toBeUndefined();
    expect(safeFileName('.bashrc')).toBe('bashrc');
    expect(safeFileName('a\u0000b\u001b.png')).toBe('ab.png');
  });
});
