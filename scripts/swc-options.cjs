// One SWC configuration for the build and for jest, so tests run the code the way production does.
const path = require('node:path');
const tsconfig = require('../tsconfig.json');

const root = path.resolve(__dirname, '..');

/** @returns {import('@swc/core').Options} */
module.exports = function swcOptions() {
  return {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
      baseUrl: root,
      paths: tsconfig.compilerOptions.paths,
    },
    module: { type: 'commonjs' },
    sourceMaps: true,
  };
};
