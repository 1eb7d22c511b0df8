import type { paths } from './schema';

// ---------------------------------------------------------------------------------------------
// Commands (POST requests) typed by the API's OpenAPI document: ./schema is generated from
// ./openapi.json by the console build, so a changed DTO fails the console's type check where the
// body is sent. Regenerate the document with `npm run api-types` at the repository root.
// ---------------------------------------------------------------------------------------------

/** A route of the API that takes a POST, as the document names it ('/api/needs/{id}/withdraw'). */
export type PostRoute = { [R in keyof paths]: paths[R] extends { post: object } ? R : never }[keyof paths];

type PostOperation<R extends PostRoute> = paths[R] extends { post: infer O } ? O : never;

/** The JSON body a POST on `R` takes (its DTO); undefined where the route takes none. */
export type PostBody<R extends PostRoute> =
  PostOperation<R> extends { requestBody?: never }
    ? undefined
    : PostOperation<R> extends { requestBody: { content: { 'application/json': infer B } } }
      ? B
      : PostOperation<R> extends { requestBody?: { content: { 'application/json': infer B } } }
        ? B | undefined
        : undefined;

/** The names of a route's path parameters: 'id' | 'cid' for '/api/needs/{id}/commitments/{cid}/accept'. */
type ParamName<R extends string> = R extends `${string}{${infer P}}${infer Rest}` ? P | ParamName<Rest> : never;

/** The values of a route's path parameters. */
export type PathParams<R extends string> = { [P in ParamName<R>]: string };

type PostArgs<R extends PostRoute> = [
  ...([ParamName<R>] extends [never] ? [] : [params: PathParams<R>]),
  ...(undefined extends PostBody<R> ? [body?: PostBody<R>] : [body: PostBody<R>]),
];

/** A POST request ready to send: the path with its parameters filled in, and the body. */
export interface ApiCommand {
  readonly path: string;
  readonly body: unknown;
}

/**
 * A command on `route`: its path parameters (when it has any), then its body, checked against the
 * route's DTO. `post('/api/needs/{id}/withdraw', { id }, { reason })`.
 */
export function post<R extends PostRoute>(route: R, ...args: PostArgs<R>): ApiCommand {
  const hasParams = route.includes('{');
  const params = (hasParams ? args[0] : {}) as Record<string, string>;
  const body = hasParams ? args[1] : args[0];
  const path = route.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (params[name] === undefined) throw new Error(`${route}: no value for {${name}}`);
    return encodeURIComponent(params[name]);
  });
  return { path, body };
}
