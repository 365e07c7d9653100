// An API key just made, shown this once: the server keeps only its digest, so
// after "Done" it is gone from the page and cannot be shown again. "Copy" puts
// it on the clipboard; where the browser refuses, the text is selected instead
// so that the person can copy it with the keyboard.

import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import './new-key-box.css';

interface Props {
  /** The heading, e.g. "Your new API key". */
  title: string;
  apiKey: string;
  /** What the key is for, under the heading. */
  children?: ComponentChildren;
  onDismiss(): void;
}

type CopyState = 'idle' | 'copied' | 'selected';

function selectText(element: HTMLElement): void {
  const range = document.createRange();
  range.selectNodeContents(element);
  const selection = window.getSelection();
  selection?.removeAllRanges();
  selection?.addRange(range);
}

export function NewKeyBox({ title, apiKey, children, onDismiss }: Props) {
  const [copy, setCopy] = useState<CopyState>('idle');
  const heading = useRef<HTMLHeadingElement>(null);
  const keyText = useRef<HTMLElement>(null);
  const titleId = useId();

  // Focus goes to the box, so that a screen reader announces the key that just appeared.
  useEffect(() => {
    heading.current?.focus();
  }, []);

  const copyKey = async () => {
    try {
      if (navigator.clipboard === undefined) throw new Error('no clipboard');
      await navigator.clipboard.writeText(apiKey);
      setCopy('copied');
    } catch {
      if (keyText.current !== null) selectText(keyText.current);
      setCopy('selected');
    }
  };

  return (
    <section class="new-key-box" aria-labelledby={titleId}>
      <h3 id={titleId} ref={heading} tabIndex={-1}>
        {title}
      </h3>
      {children}
      <p class="new-key-once">
        <strong>Copy it now: it will not be shown again.</strong> origo keeps only a fingerprint of the key.
      </p>
      <div class="new-key-value">
        <code ref={keyText}>{apiKey}</code>
        <button type="button" class="primary" onClick={copyKey}>
          Copy
        </button>
      </div>
      <p class="new-key-status" role="status">
        {copy === 'copied' && 'Copied to the clipboard.'}
        {copy === 'selected' && 'The browser did not allow copying: the key is selected, press Ctrl+C (⌘C) to copy it.'}
      </p>
      <button type="button" onClick={onDismiss}>
        Done, hide the key
      </button>
    </section>
  );
}
