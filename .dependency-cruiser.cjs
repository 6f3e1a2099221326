// Module boundaries, generated from the table in docs/ARCHITECTURE.md ("Module boundaries").
// `npm run lint` runs it: see that section for what each rule means.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

function moduleTable() {
  const doc = readFileSync(join(__dirname, 'docs/ARCHITECTURE.md'), 'utf8');
  const block = /<!-- module-dependencies:start -->([\s\S]*?)<!-- module-dependencies:end -->/.exec(doc);
  if (!block) throw new Error('docs/ARCHITECTURE.md has no module-dependencies table');
  const table = new Map();
  for (const line of block[1].split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const name = /^`([a-z-]+)`$/.exec(cells[1] ?? '')?.[1];
    if (!name) continue;
    table.set(
      name,
      [...(cells[2] ?? '').matchAll(/`([a-z-]+)`/g)].map((m) => m[1]),
    );
  }
  return table;
}

const table = moduleTable();
const modules = [...table.keys()];
const esc = (s) => s.replace(/[-/\\^$*+?.()|[\]{}]/g, '\\$&');

const moduleRules = modules.map((name) => {
  const allowed = [name, ...table.get(name)].map(esc).join('|');
  return {
    name: `module-${name}-imports`,
    comment: `${name} may import only the modules its row in docs/ARCHITECTURE.md lists`,
    severity: 'error',
    from: { path: `^src/modules/${esc(name)}/` },
    to: { path: '^src/modules/[^/]+/', pathNot: `^src/modules/(${allowed})/` },
  };
});

module.exports = {
  forbidden: [
    {
      name: 'module-listed',
      comment: 'every folder under src/modules has a row in the table of docs/ARCHITECTURE.md',
      severity: 'error',
      from: {},
      to: { path: '^src/modules/', pathNot: `^src/modules/(${modules.map(esc).join('|')})/` },
    },
    {
      name: 'module-internals',
      comment: "another module's files are reached only through its index.ts",
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/[^/]+/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'module-internals-outside',
      comment:
        'the app, composition, realtime, commands and platform reach a module only through its index.ts',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/modules/' },
      to: { path: '^src/modules/[^/]+/', pathNot: '^src/modules/[^/]+/index\\.ts$' },
    },
    ...moduleRules,
    {
      name: 'no-circular',
      comment: 'no import cycle, between modules or between files',
      severity: 'error',
      from: { path: '^(src|web/src)/' },
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      comment: 'domain/ imports nothing of the server outside domain/',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/domain/' },
    },
    {
      name: 'platform-below-modules',
      comment: 'platform/ is ports and adapters; only http/access.ts knows the policy module',
      severity: 'error',
      from: { path: '^src/platform/', pathNot: '^src/platform/http/access\\.ts$' },
      to: { path: '^src/(modules|realtime|commands|composition|app\\.ts|cli\\.ts)' },
    },
    {
      name: 'platform-access',
      comment: 'http/access.ts uses the policy module and nothing else of the modules',
      severity: 'error',
      from: { path: '^src/platform/http/access\\.ts$' },
      to: { path: '^src/(modules/(?!policy/)|realtime|commands|composition|app\\.ts|cli\\.ts)' },
    },
    {
      name: 'modules-below-edges',
      comment: 'modules do not import the real-time layer, the composition root, the app or the commands',
      severity: 'error',
      from: { path: '^src/modules/' },
      to: { path: '^src/(realtime|commands|composition|app\\.ts|cli\\.ts)' },
    },
    {
      name: 'client-standalone',
      comment: 'the client library runs in browsers: nothing of the server',
      severity: 'error',
      from: { path: '^src/client/' },
      to: { path: '^src/', pathNot: '^src/client/' },
    },
    {
      name: 'web-uses-client-and-pure-domain',
      comment: 'the web app shares only the client library and pure domain code with the server',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^src/', pathNot: '^src/(client|domain)/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/|\\.test\\.tsx?$|^web/dist/' },
  },
};
