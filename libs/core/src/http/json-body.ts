import express, { RequestHandler } from 'express';

/** Deepest nesting of arrays and objects a request body may have. */
export const MAX_JSON_DEPTH = 32;

/** The media types read as JSON bodies. */
export const JSON_MEDIA_TYPES = ['application/json', 'application/*+json'];

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * Whether JSON text nests arrays and objects deeper than `maxDepth`: one pass over the bytes,
 * counting brackets outside strings, stopping at the first level too deep. It needs no recursion,
 * so no input can overflow the stack, and it does not check the syntax (the parser does). UTF-8
 * bytes of other characters never equal a quote, a backslash or a bracket, so bytes and UTF-16
 * code units are scanned alike.
 */
export function jsonNestsDeeperThan(text: Uint8Array | string, maxDepth: number): boolean {
  const length = text.length;
  const at: (i: number) => number = typeof text === 'string' ? (i) => text.charCodeAt(i) : (i) => text[i];
  let depth = 0;
  let inString = false;
  for (let i = 0; i < length; i++) {
    const c = at(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      depth--;
    }
  }
  return false;
}

/** The error a body nested too deeply raises in the body parser: a 400 problem. */
export class JsonTooDeepError extends Error {
  readonly status = 400;
  readonly statusCode = 400;
  readonly expose = true;
  readonly type = 'entity.too.deep';

  constructor(readonly maxDepth: number) {
    super(`请求体嵌套过深 (JSON nested deeper than ${maxDepth} levels)`);
  }
}

export interface JsonBodyOptions {
  /** Largest accepted body. Default 256 KB. */
  limit?: string;
  /** Deepest accepted nesting. Default MAX_JSON_DEPTH. */
  maxDepth?: number;
}

/**
 * The JSON body parser of every app: a size limit, and a nesting limit checked on the raw bytes
 * before anything parses, validates or copies the body (deep nesting would otherwise overflow the
 * stack of the parser or the validation, a 500).
 */
export function jsonBodyParser(options: JsonBodyOptions = {}): RequestHandler {
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  return express.json({
    limit: options.limit ?? '256kb',
    type: JSON_MEDIA_TYPES,
    verify: (_request, _response, body) => {
      if (jsonNestsDeeperThan(body, maxDepth)) throw new JsonTooDeepError(maxDepth);
    },
  });
}
