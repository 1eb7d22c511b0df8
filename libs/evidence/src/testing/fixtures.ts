import sharp from 'sharp';
import { deflateSync } from 'node:zlib';

/** A small JPEG photo with EXIF (camera, GPS position) as phones write it. */
export async function photoWithGps(width = 64, height = 48): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } })
    .withExif({ IFD0: { Make: 'TestCam', Model: 'T1' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '24/1 10/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '112/1 20/1 0/1' } })
    .jpeg()
    .toBuffer();
}

export const png = (width = 40, height = 30) => sharp({ create: { width, height, channels: 4, background: { r: 10, g: 200, b: 90, alpha: 1 } } }).png().toBuffer();

/** A minimal, valid one-page PDF; `extra` objects are added to the catalog dictionary. */
export function pdf(options: { catalogExtra?: string; contentStream?: string; compress?: boolean; trailer?: string } = {}): Buffer {
  const content = options.contentStream ?? 'BT /F1 12 Tf 72 720 Td (handover receipt) Tj ET';
  const streamBytes = options.compress ? deflateSync(Buffer.from(content, 'latin1')) : Buffer.from(content, 'latin1');
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let length = 0;
  const push = (b: Buffer | string) => {
    const buf = typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
    parts.push(buf);
    length += buf.length;
  };
  push('%PDF-1.4\n');
  const obj = (n: number, body: Buffer | string) => {
    offsets[n] = length;
    push(`${n} 0 obj\n`);
    push(body);
    push('\nendobj\n');
  };
  obj(1, `<< /Type /Catalog /Pages 2 0 R ${options.catalogExtra ?? ''} >>`);
  obj(2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
  obj(3, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>');
  obj(4, Buffer.concat([Buffer.from(`<< /Length ${streamBytes.length}${options.compress ? ' /Filter /FlateDecode' : ''} >>\nstream\n`, 'latin1'), streamBytes, Buffer.from('\nendstream', 'latin1')]));
  const xref = length;
  push(`xref\n0 5\n0000000000 65535 f \n${[1, 2, 3, 4].map((n) => `${String(offsets[n]).padStart(10, '0')} 00000 n \n`).join('')}`);
  push(`trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  if (options.trailer) push(options.trailer);
  return Buffer.concat(parts);
}

/** The local file header and end record of a ZIP archive holding one stored file. */
export function zip(): Buffer {
  const name = Buffer.from('payload.html');
  const data = Buffer.from('<html><script>alert(1)</script></html>');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(name.length, 26);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  return Buffer.concat([local, name, data, end]);
}

/** A Windows executable's first bytes. */
export const exe = () => Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), Buffer.from([0x80, 0, 0, 0]), Buffer.alloc(64), Buffer.from('PE\0\0'), Buffer.alloc(200)]);
