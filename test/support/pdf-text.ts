import { inflateSync } from 'node:zlib';

/**
 * The text of a PDF as a reader would copy it, for specs: the content streams' shown strings
 * (`Tj` / `TJ`, hex glyph codes of an embedded font) mapped to Unicode through the fonts'
 * ToUnicode CMaps, one line per shown string. Enough for the PDFs pdfkit writes with an embedded
 * font (FlateDecode streams, Identity-H codes); not a general PDF parser.
 */
export function pdfText(pdf: Buffer): string {
  const streams = pdfStreams(pdf);
  const cmap = new Map<string, string>();
  for (const s of streams) if (s.includes('begincmap')) readCmap(s, cmap);
  const lines: string[] = [];
  for (const s of streams) {
    if (s.includes('begincmap')) continue;
    for (const m of s.matchAll(/(\[(?:[^\]]*)\]\s*TJ|<[0-9a-fA-F]*>\s*Tj)/g)) {
      let line = '';
      for (const hex of m[0].matchAll(/<([0-9a-fA-F]*)>/g)) {
        for (let i = 0; i + 4 <= hex[1].length; i += 4) line += cmap.get(hex[1].slice(i, i + 4).toLowerCase()) ?? '\ufffd';
      }
      lines.push(line);
    }
  }
  return lines.join('\n');
}

/** Pages of the document (`/Type /Page` objects). */
export const pdfPageCount = (pdf: Buffer): number => (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;

function pdfStreams(pdf: Buffer): string[] {
  const text = pdf.toString('latin1');
  const out: string[] = [];
  const re = /stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endstream', start);
    if (end < 0) break;
    const dict = text.slice(text.lastIndexOf('<<', m.index), m.index);
    let data = pdf.subarray(start, end);
    if (/\/FlateDecode/.test(dict)) {
      try {
        data = inflateSync(data, { finishFlush: 2 });
      } catch {
        re.lastIndex = end + 'endstream'.length;
        continue;
      }
    }
    out.push(data.toString('latin1'));
    re.lastIndex = end + 'endstream'.length;
  }
  return out;
}

const utf16 = (hex: string) => {
  const units: number[] = [];
  for (let i = 0; i + 4 <= hex.length; i += 4) units.push(parseInt(hex.slice(i, i + 4), 16));
  return String.fromCharCode(...units);
};
const code = (n: number) => n.toString(16).padStart(4, '0');

function readCmap(s: string, cmap: Map<string, string>): void {
  for (const block of s.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const e of block[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) cmap.set(e[1].toLowerCase().padStart(4, '0'), utf16(e[2]));
  }
  for (const block of s.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const e of block[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F]+>)/g)) {
      const lo = parseInt(e[1], 16);
      const hi = parseInt(e[2], 16);
      if (e[3].startsWith('[')) {
        const targets = [...e[3].matchAll(/<([0-9a-fA-F]+)>/g)].map((t) => t[1]);
        targets.forEach((t, i) => cmap.set(code(lo + i), utf16(t)));
      } else {
        const base = parseInt(e[3].slice(1, -1), 16);
        for (let c = lo; c <= hi; c++) cmap.set(code(c), String.fromCharCode(base + c - lo));
      }
    }
  }
}
