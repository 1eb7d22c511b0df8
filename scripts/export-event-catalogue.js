#!/usr/bin/env node
// Writes docs/events.md, the event catalogue, from the contexts' definitions (compiled in dist/).
//   npm run events:catalogue
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const { eventCatalogueMarkdown } = require(join(__dirname, '..', 'dist', 'libs', 'hosting', 'src'));
const path = join(__dirname, '..', 'docs', 'events.md');
writeFileSync(path, eventCatalogueMarkdown());
console.log(`wrote ${path}`);
