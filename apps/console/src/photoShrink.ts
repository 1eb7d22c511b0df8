/**
 * Photos shrunk in the browser before they are uploaded: a phone's 4,000 × 3,000 photo of 4–8 MB
 * becomes at most 1,600 px on its long side, a JPEG of a few hundred KB — what a check needs, and
 * what a weak mobile signal can carry. Only when the photo's metadata is not to be kept (the server
 * strips it anyway): redrawing a photo drops its metadata, its location included.
 */

/** The long side of a shrunk photo, in pixels. */
export const PHOTO_MAX_EDGE = 1600;
const QUALITY = 0.82;
/** A photo already within the edge and below this size is sent as it is. */
const SMALL_ENOUGH = 600 * 1024;

const SHRINKABLE = /^image\/(jpeg|png|webp)$/;

/** The photo to send: shrunk when that makes it smaller, else the file as chosen (PDFs, small images, anything the browser cannot decode). */
export async function shrinkPhoto(file: File): Promise<File> {
  if (!SHRINKABLE.test(file.type) || typeof createImageBitmap !== 'function') return file;
  let bitmap: ImageBitmap;
  try {
    // Turned upright as the camera's orientation tag says, before the tag is lost.
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    return file; // not decodable here: the server says what is wrong with it
  }
  try {
    const scale = Math.min(1, PHOTO_MAX_EDGE / Math.max(bitmap.width, bitmap.height));
    if (scale === 1 && file.size <= SMALL_ENOUGH) return file;
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    const context = canvas.getContext('2d');
    if (!context) return file;
    // JPEG has no transparency: a PNG's transparent parts become white, not black.
    context.fillStyle = '#fff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', QUALITY));
    if (!blob || blob.size >= file.size) return file;
    return new File([blob], file.name.replace(/\.(jpe?g|png|webp)$/i, '') + '.jpg', { type: 'image/jpeg', lastModified: file.lastModified });
  } finally {
    bitmap.close();
  }
}

/** Bytes for people: 850 KB, 3.2 MB. */
export const formatBytes = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);
