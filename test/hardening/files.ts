// Hostile files for the parser fuzz: a minimal zip writer (node:zlib only), a minimal xlsx, and
// xlsx zip bombs whose one part inflates to hundreds of MB from a few hundred KB — built by
// deflating a repeated chunk, so the inflated text never exists in the test's memory.
import { constants, crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';

export interface ZipPart {
  name: string;
  /** Already deflated (method 8) or stored (method 0) bytes. */
  data: Buffer;
  method: 0 | 8;
  crc: number;
  size: number;
}

export function part(name: string, text: string | Buffer, method: 0 | 8 = 8): ZipPart {
  const raw = typeof text === 'string' ? Buffer.from(text) : text;
  return { name, data: method === 8 ? deflateRawSync(raw) : raw, method, crc: crc32(raw), size: raw.length };
}

/** A zip of the parts (local headers with sizes, central directory, end record). */
export function zip(parts: ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(0x0800, 6); local.writeUInt16LE(p.method, 8);
    local.writeUInt32LE(p.crc, 14); local.writeUInt32LE(p.data.length, 18); local.writeUInt32LE(p.size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(p.method, 10); central.writeUInt32LE(p.crc, 16); central.writeUInt32LE(p.data.length, 20);
    central.writeUInt32LE(p.size, 24); central.writeUInt16LE(name.length, 28); central.writeUInt32LE(offset, 42);
    locals.push(local, name, p.data);
    centrals.push(central, name);
    offset += 30 + name.length + p.data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8); end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`;
const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
const WORKBOOK = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>`;
const WORKBOOK_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`;
export const SHEET_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
export const SHEET_TAIL = '</sheetData></worksheet>';

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const colName = (i: number) => { let s = ''; for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s; return s; };

/** Sheet XML with inline strings (no shared strings needed). */
export function sheetXml(rows: string[][]): string {
  const body = rows.map((r, i) => `<row r="${i + 1}">${r.map((v, j) => `<c r="${colName(j)}${i + 1}" t="inlineStr"><is><t>${xmlEscape(v)}</t></is></c>`).join('')}</row>`).join('');
  return SHEET_HEAD + body + SHEET_TAIL;
}

const EMPTY_SST = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"></sst>';

/**
 * A minimal xlsx in the order Excel writes it (workbook and shared strings before the sheet), or with
 * the sheet first (`sheetFirst`, as exceljs writes it: the reader spools such a sheet to a temp file
 * until the shared strings have been read).
 */
export function xlsxOf(sheet: ZipPart, sharedStrings: ZipPart = part('xl/sharedStrings.xml', EMPTY_SST), opts: { sheetFirst?: boolean } = {}): Buffer {
  const head = [part('[Content_Types].xml', CONTENT_TYPES), part('_rels/.rels', ROOT_RELS)];
  const book = [part('xl/workbook.xml', WORKBOOK), part('xl/_rels/workbook.xml.rels', WORKBOOK_RELS), sharedStrings];
  return zip(opts.sheetFirst ? [...head, sheet, ...book] : [...head, ...book, sheet]);
}

/** A deflated part of head + repeat×times + tail, deflated as it is generated. */
export async function bombPart(name: string, head: string, repeat: string, times: number, tail: string): Promise<ZipPart> {
  const deflate = createDeflateRaw({ level: constants.Z_BEST_COMPRESSION, memLevel: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  const done = new Promise<void>((resolve, reject) => { deflate.on('end', resolve); deflate.on('error', reject); });
  let crc = 0;
  let size = 0;
  const write = async (b: Buffer) => {
    crc = crc32(b, crc);
    size += b.length;
    if (!deflate.write(b)) await new Promise((r) => deflate.once('drain', r));
  };
  await write(Buffer.from(head));
  // Write the repeated text in 1 MB blocks.
  const per = Math.max(1, Math.floor((1 << 20) / Buffer.byteLength(repeat)));
  const block = Buffer.from(repeat.repeat(per));
  let left = times;
  for (; left >= per; left -= per) await write(block);
  if (left > 0) await write(Buffer.from(repeat.repeat(left)));
  await write(Buffer.from(tail));
  deflate.end();
  await done;
  return { name, data: Buffer.concat(out), method: 8, crc: crc >>> 0, size };
}
