import sharp from 'sharp';
import { inspectUpload, sniff } from './inspect';
import { exe, pdf, photoWithGps, png, zip } from './testing/fixtures';

const MAX = 10 * 1024 * 1024;
const refusal = async (bytes: Buffer) => {
  try {
    await inspectUpload(bytes, { maxBytes: MAX });
  } catch (error) {
    const e = error as { kind?: string; getStatus?: () => number; message: string };
    return { status: e.getStatus ? e.getStatus() : e.kind === 'invalid' ? 422 : 500, message: e.message };
  }
  return null;
};

describe('inspectUpload: what is accepted and how it is stored', () => {
  it('re-encodes a JPEG without its EXIF (GPS position gone) and makes a WebP thumbnail', async () => {
    const photo = await photoWithGps(800, 600);
    expect((await sharp(photo).metadata()).exif).toBeDefined();
    const out = await inspectUpload(photo, { maxBytes: MAX });
    expect(out.mediaType).toBe('image/jpeg');
    const meta = await sharp(out.bytes).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.width).toBe(800);
    expect(out.thumbnail!.mediaType).toBe('image/webp');
    const thumb = await sharp(out.thumbnail!.bytes).metadata();
    expect(Math.max(thumb.width!, thumb.height!)).toBe(320);
  });

  it('keeps the metadata when the uploader asks for it on purpose', async () => {
    const out = await inspectUpload(await photoWithGps(), { maxBytes: MAX, keepMetadata: true });
    expect((await sharp(out.bytes).metadata()).exif).toBeDefined();
  });

  it('accepts PNG and a plain PDF (stored as uploaded, no thumbnail)', async () => {
    expect((await inspectUpload(await png(), { maxBytes: MAX })).mediaType).toBe('image/png');
    const doc = pdf({ compress: true });
    const out = await inspectUpload(doc, { maxBytes: MAX });
    expect(out).toEqual({ mediaType: 'application/pdf', bytes: doc });
  });
});

describe('inspectUpload: refusals', () => {
  it('refuses files over the limit with 413', async () => {
    await expect(inspectUpload(Buffer.alloc(2048, 1), { maxBytes: 1024 })).rejects.toMatchObject({ status: 413 });
  });

  it.each([
    ['a Windows executable', exe()],
    ['an HTML page', Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>')],
    ['a ZIP archive', zip()],
    ['plain text', Buffer.from('files/2026/11/handover-01.jpg')],
  ])('refuses %s by its content with 415, whatever its name', async (_what, bytes) => {
    expect(sniff(bytes).mediaType).toBeNull();
    expect(await refusal(bytes)).toMatchObject({ status: 415, message: expect.stringMatching(/^只接受.*\(only JPEG/) });
  });

  it('refuses polyglots: images with a ZIP or a page appended or markup inside', async () => {
    const photo = await photoWithGps();
    expect(await refusal(Buffer.concat([photo, zip()]))).toMatchObject({ status: 422, message: expect.stringContaining('JPEG') });
    expect(await refusal(Buffer.concat([photo, Buffer.from('<html><script>alert(1)</script></html>')]))).toMatchObject({ status: 422 });
    expect(await refusal(Buffer.concat([await png(), zip()]))).toMatchObject({ status: 422, message: expect.stringContaining('PNG') });
    const commented = await sharp(photo).withMetadata().jpeg().toBuffer();
    const withScript = Buffer.concat([commented.subarray(0, 2), Buffer.from([0xff, 0xfe, 0x00, 0x22]), Buffer.from('<script>alert(1)</script>       '), commented.subarray(2)]);
    expect(await refusal(withScript)).toMatchObject({ status: 422, message: expect.stringContaining('markup') });
  });

  it.each([
    ['JavaScript in the catalog', pdf({ catalogExtra: '/OpenAction << /S /JavaScript /JS (app.alert(1)) >>' })],
    ['JavaScript spelt with #-escapes', pdf({ catalogExtra: '/OpenAction << /S /J#61vaScript /JS (app.alert(1)) >>' })],
    ['JavaScript inside a compressed stream', pdf({ compress: true, contentStream: '<< /S /JavaScript /JS (x) >>' })],
    ['an embedded file', pdf({ catalogExtra: '/Names << /EmbeddedFiles << /Names [(a.exe) 5 0 R] >> >>' })],
    ['a launch action', pdf({ catalogExtra: '/OpenAction << /S /Launch /F (cmd.exe) >>' })],
    ['a ZIP after %%EOF', pdf({ trailer: zip().toString('latin1') })],
    ['an HTML page after %%EOF', pdf({ trailer: '<html><script>alert(1)</script></html>' })],
  ])('refuses a PDF with %s (422)', async (_what, bytes) => {
    expect(await refusal(bytes)).toMatchObject({ status: 422 });
  });
});
