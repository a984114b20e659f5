/**
 * Turns a text file's bytes into the text a model sees: UTF-8 (latin1 when the bytes are not valid
 * UTF-8), and for e-mails only the Subject line and the body. Other headers (Received, From,
 * Message-ID…) are dropped: they are mostly routing noise that lets a model learn the mail server
 * instead of the message. MIME parts, quoted-printable and base64 bodies are kept as they are.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/** Decodes bytes as UTF-8, or as latin1 when they are not valid UTF-8; drops a BOM. */
export function decodeText(bytes: Uint8Array): string {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = latin1.decode(bytes);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

const HEAD_CHARS = 64 * 1024;
// RFC 5322 field names: printable ASCII but space and colon (real mail has X_Id, X-It'S, 1…).
const HEADER_LINE = /^[!-9;-~]+:/;

/**
 * Whether a text looks like an e-mail: an mbox "From " line or a header line first, and at least
 * two header lines before the first blank line.
 */
export function looksLikeEmail(text: string): boolean {
  // Mail-list headers can run to several kilobytes before the blank line.
  const cut = text.length > HEAD_CHARS;
  const head = text.slice(0, HEAD_CHARS).split(/\r?\n/);
  if (cut) head.pop(); // the last line may be cut in the middle
  let first = 0;
  if (head[0]?.startsWith('From ')) first = 1;
  let headers = 0;
  for (let i = first; i < head.length; i++) {
    const line = head[i] as string;
    if (line === '') return headers >= 2;
    if (HEADER_LINE.test(line)) headers++;
    else if (!/^[ \t]/.test(line)) return false;
  }
  return cut && headers >= 2;
}

/** Keeps an e-mail's Subject (unfolded) and body, separated by a blank line. */
export function emailSubjectAndBody(text: string): string {
  const m = /\r?\n\r?\n/.exec(text);
  const headerPart = m ? text.slice(0, m.index) : text;
  const body = m ? text.slice(m.index + m[0].length) : '';
  const unfolded = headerPart.replace(/\r?\n[ \t]+/g, ' ');
  const subject = /^subject:[ \t]*(.*)$/im.exec(unfolded)?.[1]?.trim() ?? '';
  return subject ? `${subject}\n\n${body}` : body;
}

/** The text of one file: e-mails (by extension or by shape) reduced to Subject + body. */
export function textOfFile(bytes: Uint8Array, ext: string): string {
  const text = decodeText(bytes);
  return ext === 'eml' || looksLikeEmail(text) ? emailSubjectAndBody(text) : text;
}
