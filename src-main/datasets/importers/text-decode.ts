/**
 * Turns a text file's bytes into the text a model sees: UTF-8 (windows-1252, or an e-mail's
 * declared charset, when the bytes are not valid UTF-8), and for e-mails only the Subject line and the body. Other headers (Received, From,
 * Message-ID…) are dropped: they are mostly routing noise that lets a model learn the mail server
 * instead of the message. MIME parts, quoted-printable and base64 bodies are kept as they are.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/**
 * What windows-1252 puts at 0x80-0x9F (curly quotes, dashes, €, ™…); 0 where it defines nothing.
 * Node's TextDecoder reads 'windows-1252' as latin1, which leaves C1 control characters there.
 */
const CP1252_HIGH = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
  0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];

/** Decodes windows-1252 (what "iso-8859-1" and "us-ascii" mean in practice, as the WHATWG Encoding standard says). */
export function decodeWindows1252(bytes: Uint8Array): string {
  return latin1.decode(bytes).replace(/[\u0080-\u009f]/g, (c) => {
    const u = CP1252_HIGH[c.charCodeAt(0) - 0x80]!;
    return u ? String.fromCharCode(u) : c;
  });
}

/** Decodes bytes as UTF-8, or as windows-1252 (latin1 and more) when they are not valid UTF-8; drops a BOM. */
export function decodeText(bytes: Uint8Array): string {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = decodeWindows1252(bytes);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Charset labels that mean windows-1252 (WHATWG), decoded by decodeText's own fallback. */
const CP1252_LABELS = new Set(['us-ascii', 'ascii', 'iso-8859-1', 'iso8859-1', 'latin1', 'l1', 'windows-1252', 'cp1252', 'x-cp1252']);

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

/** The charset an e-mail's headers declare (Content-Type: …; charset=koi8-r), lower-cased, if any. */
export function declaredCharset(text: string): string | null {
  const m = /\r?\n\r?\n/.exec(text);
  const head = (m ? text.slice(0, m.index) : text.slice(0, HEAD_CHARS)).replace(/\r?\n[ \t]+/g, ' ');
  const type = /^content-type:[^\n]*?charset\s*=\s*"?([A-Za-z0-9._:-]+)"?/im.exec(head);
  return type ? type[1]!.toLowerCase() : null;
}

/**
 * The text of one file: e-mails (by extension or by shape) reduced to Subject + body. An e-mail
 * whose bytes are not UTF-8 is decoded in the charset its headers declare (koi8-r, gb2312,
 * windows-1252, …) when the runtime knows it, else as latin1.
 */
export function textOfFile(bytes: Uint8Array, ext: string): string {
  let text = decodeText(bytes);
  const email = ext === 'eml' || looksLikeEmail(text);
  if (email && !isUtf8(bytes)) {
    const charset = declaredCharset(text);
    if (charset && charset !== 'utf-8' && !CP1252_LABELS.has(charset)) {
      try {
        text = new TextDecoder(charset).decode(bytes);
      } catch {
        // An unknown charset keeps the latin1 reading.
      }
    }
  }
  return email ? emailSubjectAndBody(text) : text;
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}
