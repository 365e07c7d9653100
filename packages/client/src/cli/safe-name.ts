// File names for downloads from names the server gives: a name is data
// from the network, so it must never leave the target folder or hide itself.

const isControl = (ch: string): boolean => {
  const code = ch.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
};

/** A single safe path segment from `name`, or undefined when nothing usable is left. */
export function safeFileName(name: string): string | undefined {
  const lastSegment = name.split(/[/\\]/).pop() ?? '';
  const printable = [...lastSegment].filter((ch) => !isControl(ch)).join('');
  const cleaned = printable.replace(/^\.+/, '').trim();
  if (cleaned === '' || cleaned.length > 255) return undefined;
  return cleaned;
}
