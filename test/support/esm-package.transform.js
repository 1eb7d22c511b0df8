/**
 * Jest transform for the few dependencies published as ES modules only (@nestjs/terminus): their
 * `import.meta` uses are rewritten to CommonJS equivalents, then swc compiles the file to CommonJS
 * like our own sources. Node runs the same packages natively (require of ES modules).
 */
const { createTransformer } = require('@swc/jest');

const toCommonJs = (source) =>
  source
    // A module-level `require` made from import.meta.url: CommonJS already has one.
    .replace(/^const require = createRequire\(import\.meta\.url\);$/m, '')
    .replace(/import\.meta\.resolve\(/g, 'require.resolve(')
    .replace(/import\.meta\.dirname/g, '__dirname')
    .replace(/import\.meta\.url/g, "require('node:url').pathToFileURL(__filename).href");

module.exports = {
  createTransformer(options) {
    const swc = createTransformer(options);
    return {
      ...swc,
      process: (source, path, transformOptions) => swc.process(toCommonJs(source), path, transformOptions),
      getCacheKey: (source, path, transformOptions) => swc.getCacheKey(toCommonJs(source), path, transformOptions),
    };
  },
};
