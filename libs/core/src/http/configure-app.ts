import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express, { NextFunction, Request, Response } from 'express';
import { ProblemFilter, sendProblem, toProblem } from './problem.filter';
import { createValidationPipe } from './validation';
import { ROLES } from '../actor';

export interface HttpAppOptions {
  title: string;
  description?: string;
  /** Largest accepted JSON body. Default 256 KB. */
  bodyLimit?: string;
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
  app.useGlobalFilters(new ProblemFilter());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(options.title)
      .setDescription(options.description ?? '')
      .setVersion('0.1.0')
      .addGlobalParameters(
        { name: 'X-Actor-Id', in: 'header', required: false, schema: { type: 'string' }, description: 'Acting user (interim, until identity lands)' },
        { name: 'X-Actor-Role', in: 'header', required: false, schema: { type: 'string', enum: [...ROLES] } },
        { name: 'X-Actor-Org', in: 'header', required: false, schema: { type: 'string' }, description: 'Organization the actor acts for' },
      )
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
