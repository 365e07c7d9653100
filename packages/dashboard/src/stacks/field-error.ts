// Where a refusal of PUT /stacks belongs in the editor. The server names the
// field at fault at the start of its message (docs/reference/rendering.md):
// `operations[1].options.width must be …` or `options.jpg.quality must be …`.

export type FieldErrorPlace =
  | { kind: 'operation'; index: number; option: string | undefined }
  | { kind: 'stack-option'; option: string };

const OPERATION = /^operations\[(\d+)\](?:\.options\.([A-Za-z0-9_.]+?))?(?=[\s:,]|$)/;
const STACK_OPTION = /^options\.([A-Za-z0-9_.]+?)(?=[\s:,]|$)/;

/** The field the message names, or undefined when it names none the editor shows. */
export function fieldErrorPlace(message: string): FieldErrorPlace | undefined {
  const operation = OPERATION.exec(message);
  if (operation !== null) return { kind: 'operation', index: Number(operation[1]), option: operation[2] };
  const option = STACK_OPTION.exec(message);
  if (option !== null) return { kind: 'stack-option', option: option[1] ?? '' };
  return undefined;
}
