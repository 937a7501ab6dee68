/**
 * Text from files and flags made safe to print: a hostile file's metadata or tensor names could otherwise clear
 * the terminal, move the cursor, reorder text (bidirectional overrides) or start a new line that looks like
 * another message. Every control character (C0, DEL, C1), line and paragraph separator, bidirectional
 * control and zero-width character is replaced by a visible escape (`\x1b`, `\n`, `\u{202e}`).
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what this does
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/gu;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` with every unsafe character replaced by a visible escape (see the module comment). */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE, (character) => {
    const code = character.codePointAt(0)!;
    return (
      NAMED[character] ??
      (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`)
    );
  });
}

/** A value for a message: JSON of it, escaped, and cut to `max` characters (a file may hold megabytes). */
export function quoteValue(value: unknown, max = 60): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  const safe = escapeControl(text);
  return safe.length > max ? `${safe.slice(0, max)}…` : safe;
}
