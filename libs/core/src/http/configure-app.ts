import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express, { NextFunction, Request, Response } from 'express';
import { ProblemFilter, sendProblem, toProblem } from './problem.filter';
import { TimeoutInterceptor } from './timeout.interceptor';
import { createValidationPipe } from './validation';

export interface HttpAppOptions {
  title: string;
  description?: string;
  /** Largest accepted JSON body. Default 256 KB. */
  bodyLimit?: string;
  /** A route still unanswered after this many milliseconds answers 503. Default 15 s. */
  requestTimeoutMs?: number;
}

/**
 * The HTTP conventions every app shares: JSON bodies with a size limit, malformed JSON as a 400
 * problem, validation of every DTO, RFC 9457 errors, OpenAPI at /api/docs. Create the app with
 * `{ bodyParser: false }` so this parser is the only one.
 */
export function configureHttpApp(app: INestApplication, options: HttpAppOptions): void {
  app.use(express.json({ limit: options.bodyLimit ?? '256kb', type: ['application/json', 'application/*+json'] }));
  app.use((error: unknown, request: Request, response: Response, next: NextFunction) => {
    if (!error) return next();
    sendProblem(response, toProblem(error, request.originalUrl));
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalInterceptors(new TimeoutInterceptor(options.requestTimeoutMs ?? 15_000));
  // Slow clients: the whole request must arrive within 30 s, its headers within 20 s.
  const server = app.getHttpServer() as { requestTimeout?: number; headersTimeout?: number };
  server.requestTimeout = 30_000;
  server.headersTimeout = 20_000;
  app.useGlobalFilters(new ProblemFilter());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(options.title)
      .setDescription(options.description ?? '')
      .setVersion('0.1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'POST /api/auth/login gives a token' })
      .addSecurityRequirements('bearer')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
