// The Content-Disposition of a download (RFC 6266): an ASCII fallback name for old clients and the
// real name in RFC 5987 encoding. encodeURIComponent leaves ' ( ) * raw, which RFC 5987's attr-char
// does not allow (a name with an apostrophe would end the charset'language' prefix early).
export function attachment(fallback: string, fileName: string): string {
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  const ascii = fallback.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
