import { parseArgs } from 'node:util';
import { buildApp, type Flashmob, servesHttp } from './app.ts';
import { seedDemo } from './commands/seed-demo.ts';
import { VERIFY_DRAW_USAGE, verifyDrawCommand } from './commands/verify-draw.ts';
import {
  assertSecrets,
  type Config,
  ConfigError,
  loadConfig,
  ROLES,
  type Role,
  readDotEnv,
} from './config.ts';
import { ROLES as USER_ROLES, type UserRole } from './modules/auth/index.ts';
import { runReplay } from './platform/bus/replay.ts';
import { toError } from './platform/errors.ts';
import { buildWebApp, webBuildIsStale } from './platform/http/web-app.ts';
import { createLogger } from './platform/logger.ts';
import { migrate } from './platform/store/migrate.ts';
import { DataDirInUseError, openStore } from './platform/store/open-store.ts';

const USAGE = `flashmob <command>

  start [--role all|api|realtime|worker]   serve (embedded defaults when nothing is configured)
  migrate                                   apply pending SQL migrations
  user create --email E --role R [--password P] [--name N]
  admin create --email E [--password P] [--name N]   the first admin (refused if E is another account)
  replay --consumer NAME [--from SEQ]        re-deliver the event log to a consumer (--from 0 rebuilds it)
  dlq list [--consumer NAME] | dlq retry ID | dlq drop ID
  ${VERIFY_DRAW_USAGE}

Configuration comes from the environment (and .env); see README.md.`;

function fail(message: string): never {
  process.stderr.write(`flashmob: ${message}\n`);
  process.exit(1);
}

function config(overrides: Partial<Config> = {}, opts: { serving?: boolean } = {}): Config {
  try {
    const c = loadConfig({ ...readDotEnv('.env'), ...process.env }, overrides);
    if (opts.serving) assertSecrets(c);
    return c;
  } catch (e) {
    if (e instanceof ConfigError) fail(`bad configuration: ${e.message}`);
    throw e;
  }
}

/**
 * Builds the app (not started) for one command. The embedded database is one process's: beside
 * a running server the command cannot open it, and says so instead of failing on the pid file.
 */
async function withApp<T>(c: Config, command: string, fn: (fm: Flashmob) => Promise<T>): Promise<T> {
  let fm: Flashmob;
  try {
    fm = await buildApp({ ...c, logLevel: c.logLevel === 'info' ? 'warn' : c.logLevel });
  } catch (e) {
    if (e instanceof DataDirInUseError)
      fail(
        `the server (process ${e.holder}) holds the embedded database in ${e.dataDir}: stop it and run \`flashmob ${command}\` again, or run the nodes on PostgreSQL (DATABASE_URL), where this works while they serve`,
      );
    throw e;
  }
  try {
    return await fn(fm);
  } finally {
    await fm.close();
  }
}

async function start(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { role: { type: 'string' } } });
  if (values.role && !(ROLES as readonly string[]).includes(values.role))
    fail(`--role must be one of ${ROLES.join(', ')}`);
  const c = config(values.role ? { role: values.role as Role } : {}, { serving: true });
  if (c.serveWeb && servesHttp(c) && webBuildIsStale()) {
    await buildWebApp(createLogger(c.logLevel));
  }
  const fm = await buildApp(c);
  if (c.demo && fm.store.kind === 'pglite' && servesHttp(c)) {
    const demo = await seedDemo(fm);
    if (demo) {
      fm.logger.info(demo, 'demo data created: sign in as this host (also in DATA_DIR/demo-credentials.txt)');
      process.stdout.write(`\n  Demo host: ${demo.email}  password: ${demo.password}\n\n`);
    }
  }
  await fm.start();
  const address = await fm.listen();
  fm.logger.info(
    { address, role: c.role, store: fm.store.kind, bus: fm.bus.kind, counters: fm.counters.kind },
    'flashmob is serving',
  );
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    fm.logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    fm.close().then(
      () => process.exit(0),
      (e) => {
        fm.logger.error({ err: toError(e) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

async function userCreate(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      email: { type: 'string' },
      role: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string' },
    },
  });
  if (!values.email || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(values.email))
    fail('--email must be an email address');
  const role = (values.role ?? 'buyer') as UserRole;
  if (!USER_ROLES.includes(role)) fail(`--role must be one of ${USER_ROLES.join(', ')}`);
  const password = values.password ?? (await import('node:crypto')).randomBytes(12).toString('base64url');
  if (password.length < 8) fail('--password must be at least 8 characters');
  await withApp(config(), 'user create', async (fm) => {
    const user = await fm.services.auth.createUser({
      email: values.email as string,
      password,
      name: values.name ?? (values.email as string),
      role,
    });
    process.stdout.write(
      `created ${user.role} ${user.email} (${user.id})${values.password ? '' : `\npassword: ${password}`}\n`,
    );
  });
}

async function adminCreate(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } },
  });
  if (!values.email || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(values.email))
    fail('--email must be an email address');
  const password = values.password ?? (await import('node:crypto')).randomBytes(12).toString('base64url');
  if (password.length < 8) fail('--password must be at least 8 characters');
  await withApp(config(), 'admin create', async (fm) => {
    const { created, user } = await fm.services.auth.ensureAdmin(
      { email: values.email as string, password, name: values.name },
      'admin create --email',
    );
    process.stdout.write(
      created
        ? `created admin ${user.email} (${user.id})${values.password ? '' : `\npassword: ${password}`}\n`
        : `${user.email} is already an admin (${user.id}); nothing changed\n`,
    );
  });
}

async function replay(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { consumer: { type: 'string' }, from: { type: 'string' } },
  });
  if (!values.consumer) fail('--consumer NAME is required');
  const from = values.from === undefined ? 0 : Number(values.from);
  if (!Number.isInteger(from) || from < 0) fail('--from must be an event number (an integer >= 0)');
  await withApp(config({ role: 'api' }), 'replay', async (fm) => {
    const result = await runReplay(fm, values.consumer as string, from);
    process.stdout.write(
      result.handedOver
        ? `${values.consumer} is running on a worker: it has started over from ${from} and rebuilds in the background\n`
        : `replayed ${values.consumer} from ${from}: now at event ${result.seq}\n`,
    );
  });
}

async function dlq(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  if (action !== 'list' && action !== 'retry' && action !== 'drop')
    fail('usage: dlq list [--consumer NAME] | dlq retry ID | dlq drop ID');
  await withApp(config({ role: 'api' }), `dlq ${action}`, async (fm) => {
    if (action === 'list') {
      const { values } = parseArgs({ args: rest, options: { consumer: { type: 'string' } } });
      const letters = await fm.bus.listDeadLetters(values.consumer);
      if (letters.length === 0) process.stdout.write('no dead letters\n');
      for (const l of letters) {
        process.stdout.write(
          `${l.id}\t${l.consumer}\t${l.type}\tevent ${l.eventSeq}\t${l.attempts} attempts\t${l.error}\n`,
        );
      }
      return;
    }
    const id = Number(rest[0]);
    if (!Number.isInteger(id) || id <= 0) fail(`usage: dlq ${action} ID (the number dlq list shows)`);
    const done = action === 'retry' ? await fm.bus.retryDeadLetter(id) : await fm.bus.dropDeadLetter(id);
    if (!done) fail(`no dead letter ${id}`);
    process.stdout.write(
      action === 'retry'
        ? `dead letter ${id} will be redelivered by its consumer\n`
        : `dead letter ${id} dropped\n`,
    );
  });
}

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return start(rest);
    case 'migrate': {
      const c = config();
      const store = await openStore({ databaseUrl: c.databaseUrl, dataDir: c.dataDir });
      const applied = await migrate(store);
      await store.close();
      process.stdout.write(applied.length ? `applied ${applied.join(', ')}\n` : 'nothing to apply\n');
      return;
    }
    case 'user':
      if (rest[0] !== 'create') fail('usage: flashmob user create --email E --role R');
      return userCreate(rest.slice(1));
    case 'admin':
      if (rest[0] !== 'create') fail('usage: flashmob admin create --email E [--password P] [--name N]');
      return adminCreate(rest.slice(1));
    case 'replay':
      return replay(rest);
    case 'dlq':
      return dlq(rest);
    case 'verify-draw': {
      const { ok, text } = await verifyDrawCommand(rest);
      if (!ok) fail(text);
      process.stdout.write(text);
      return;
    }
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      fail(`unknown command "${command}"\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((e) => {
  const err = toError(e);
  fail(err.message);
});
