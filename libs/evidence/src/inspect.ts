import { PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import { invalid } from '@shecun/core';
import { filetypeinfo } from 'magic-bytes.js';
import sharp from 'sharp';
import { inflateSync } from 'node:zlib';
import { EvidenceMediaType } from './evidence.model';

/** The largest accepted upload, in bytes: EVIDENCE_MAX_BYTES, 10 MB by default. */
export function evidenceMaxBytes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.EVIDENCE_MAX_BYTES;
  if (raw === undefined || raw === '') return 10 * 1024 * 1024;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1024) throw new Error(`EVIDENCE_MAX_BYTES must be an integer of at least 1024 (got ${raw})`);
  return value;
}

/** Images larger than this many pixels are refused before decoding (decompression bombs). */
const MAX_PIXELS = 60_000_000;
const THUMBNAIL_EDGE = 320;

export interface InspectedUpload {
  mediaType: EvidenceMediaType;
  /** What is stored: re-encoded images, PDFs as uploaded. */
  bytes: Buffer;
  thumbnail?: { mediaType: 'image/webp'; bytes: Buffer };
}

const wrongType = (found: string) =>
  new UnsupportedMediaTypeException(
    `只接受 JPEG、PNG、WebP 图片和 PDF 文件，按文件内容判断，此文件为 ${found} (only JPEG, PNG and WebP images and PDF files are accepted, judged by their content; this file is ${found})`,
  );
const polyglot = (what: string) => invalid(`文件含有其他内容，已拒收：${what} (the file carries other content and is refused: ${what})`);

/** The media type by the file's first bytes (magic numbers), or what was found instead. */
export function sniff(bytes: Buffer): { mediaType: EvidenceMediaType | null; found: string } {
  const candidates = filetypeinfo(new Uint8Array(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 4100)));
  for (const c of candidates) {
    if (c.mime === 'image/jpeg') return { mediaType: 'image/jpeg', found: c.mime };
    if (c.mime === 'image/png' && c.typename === 'png') return { mediaType: 'image/png', found: c.mime };
    if (c.mime === 'image/webp') return { mediaType: 'image/webp', found: c.mime };
    if (c.mime === 'application/pdf') return { mediaType: 'application/pdf', found: c.mime };
  }
  return { mediaType: null, found: candidates[0]?.mime ?? candidates[0]?.typename ?? '未知类型 unknown' };
}

/** Markup that turns a file into a web page when a browser guesses its type. */
const MARKUP = /<\s*(html|script|!doctype\s+html|svg|iframe|body|\?php)\b/i;

/**
 * Checks an upload and prepares what is stored. Refused (nothing stored): more than `maxBytes`
 * (413), a type other than JPEG, PNG, WebP or PDF by content (415), and polyglots (422): images
 * with bytes after their end marker or with markup inside, PDFs with data after %%EOF, markup,
 * JavaScript, actions that launch or submit, embedded or attached files, XFA forms, or encryption.
 * Images are decoded and re-encoded: metadata (EXIF with GPS position, XMP, comments) is dropped
 * unless `keepMetadata`, and anything not part of the picture is gone. PDFs are stored as uploaded.
 */
export async function inspectUpload(bytes: Buffer, options: { maxBytes: number; keepMetadata?: boolean }): Promise<InspectedUpload> {
  if (bytes.length > options.maxBytes) throw new PayloadTooLargeException(`文件超过 ${options.maxBytes} 字节 (the file exceeds ${options.maxBytes} bytes)`);
  if (bytes.length === 0) throw invalid('文件为空 (the file is empty)');
  const { mediaType, found } = sniff(bytes);
  if (!mediaType) throw wrongType(found);
  if (mediaType === 'application/pdf') {
    checkPdf(bytes);
    return { mediaType, bytes };
  }
  checkImageEnd(bytes, mediaType);
  if (MARKUP.test(bytes.toString('latin1'))) throw polyglot('图片中含网页标记 (markup inside the image)');
  return reencode(bytes, mediaType, options.keepMetadata === true);
}

function checkImageEnd(bytes: Buffer, mediaType: EvidenceMediaType): void {
  if (mediaType === 'image/jpeg') {
    let end = bytes.length;
    while (end > 2 && bytes[end - 1] === 0x00) end -= 1; // some cameras pad with zeros
    if (!(bytes[end - 2] === 0xff && bytes[end - 1] === 0xd9)) throw polyglot('JPEG 结束标记之后还有数据 (data after the JPEG end marker)');
  } else if (mediaType === 'image/png') {
    const iend = Buffer.from([0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
    if (bytes.length < 12 || !bytes.subarray(bytes.length - 12).equals(iend)) throw polyglot('PNG 结束块之后还有数据 (data after the PNG end chunk)');
  } else if (mediaType === 'image/webp') {
    const declared = bytes.length >= 8 ? bytes.readUInt32LE(4) + 8 : -1;
    if (declared !== bytes.length && declared + 1 !== bytes.length) throw polyglot('WebP 文件长度与声明不符 (data outside the WebP container)');
  }
}

async function reencode(bytes: Buffer, mediaType: EvidenceMediaType, keepMetadata: boolean): Promise<InspectedUpload> {
  try {
    const image = sharp(bytes, { failOn: 'error', limitInputPixels: MAX_PIXELS }).rotate();
    const withMeta = keepMetadata ? image.keepMetadata() : image;
    const encoded =
      mediaType === 'image/png' ? withMeta.png({ compressionLevel: 9 }) : mediaType === 'image/webp' ? withMeta.webp({ quality: 90 }) : withMeta.jpeg({ quality: 90, mozjpeg: true });
    const out = await encoded.toBuffer();
    const thumbnail = await sharp(out).resize(THUMBNAIL_EDGE, THUMBNAIL_EDGE, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 75 }).toBuffer();
    return { mediaType, bytes: out, thumbnail: { mediaType: 'image/webp', bytes: thumbnail } };
  } catch (error) {
    throw invalid(`图片无法解码 (the image cannot be decoded): ${(error as Error).message}`);
  }
}

/** PDF names that run code, open or send things, or carry other files; `#xx` escapes are decoded first. */
const ACTIVE_PDF_NAMES = ['JavaScript', 'JS', 'EmbeddedFile', 'EmbeddedFiles', 'FileAttachment', 'Launch', 'RichMedia', 'XFA', 'SubmitForm', 'ImportData', 'GoToE', 'Encrypt'];
const ACTIVE_PDF_NAME = new RegExp(`/(${ACTIVE_PDF_NAMES.join('|')})(?![A-Za-z0-9])`);

const decodeNames = (text: string) => text.replace(/#([0-9a-fA-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/**
 * A PDF is accepted when it starts with %PDF-, ends with %%EOF (whitespace after it only), and
 * neither its objects nor its Flate-compressed streams (object streams included) hold markup or an
 * active name; an object stream that cannot be inflated is refused, as it cannot be checked.
 */
function checkPdf(bytes: Buffer): void {
  const text = bytes.toString('latin1');
  if (!text.startsWith('%PDF-')) throw wrongType('PDF 头部不在文件开头 (PDF header not at the start)');
  if (!/%%EOF[\r\n\t \f\0]*$/.test(text.slice(-1024))) throw polyglot('PDF 的 %%EOF 之后还有数据 (data after the PDF’s %%EOF)');
  const scan = (chunk: string, where: string) => {
    const name = ACTIVE_PDF_NAME.exec(decodeNames(chunk));
    if (name) throw polyglot(`PDF ${where}含 /${name[1]} (the PDF ${where === '' ? '' : 'stream '}holds /${name[1]})`);
    if (MARKUP.test(chunk)) throw polyglot(`PDF ${where}含网页标记 (markup inside the PDF)`);
  };
  const streamPattern = /stream\r?\n/g;
  let outside = '';
  let last = 0;
  for (let match = streamPattern.exec(text); match; match = streamPattern.exec(text)) {
    if (text.slice(Math.max(0, match.index - 3), match.index) === 'end') continue;
    const start = match.index + match[0].length;
    const end = text.indexOf('endstream', start);
    if (end < 0) break;
    const dictionary = text.slice(Math.max(last, match.index - 2048), match.index);
    outside += text.slice(last, match.index);
    const raw = bytes.subarray(start, end);
    let inflated: string | null = null;
    if (/\/FlateDecode/.test(dictionary)) {
      try {
        inflated = inflateSync(raw, { finishFlush: 2 }).toString('latin1');
      } catch {
        inflated = null;
      }
    }
    if (inflated !== null) scan(inflated, '数据流');
    else if (/\/ObjStm/.test(dictionary)) throw polyglot('PDF 对象流无法检查 (an object stream that cannot be checked)');
    last = end;
    streamPattern.lastIndex = end;
  }
  outside += text.slice(last);
  scan(outside, '');
}
