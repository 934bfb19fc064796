// A fresh project outside the workspace, built the way a stranger builds one from a README:
// the kit's packages packed into tarballs (as npm would serve them), exactly the packages that
// the README's install line names, the README's example as the program, strict TypeScript.
// Used by the adapters' `test/fresh-project.test.ts`.
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));

/** The packages of `packages/*` that are published (not private), by name → folder. */
export function kitPackages() {
  const found = new Map();
  for (const folder of readdirSync(join(root, 'packages'))) {
    const manifest = JSON.parse(
      readFileSync(join(root, 'packages', folder, 'package.json'), 'utf8'),
    );
    if (!manifest.private) found.set(manifest.name, join(root, 'packages', folder));
  }
  return found;
}

/** Packs the named kit packages and the kit packages they depend on (their `dist` must be built). */
export async function packKit(names, destination) {
  const kit = kitPackages();
  const wanted = new Set();
  const visit = (name) => {
    if (!kit.has(name) || wanted.has(name)) return;
    wanted.add(name);
    const manifest = JSON.parse(readFileSync(join(kit.get(name), 'package.json'), 'utf8'));
    for (const dependency of Object.keys(manifest.dependencies ?? {})) visit(dependency);
  };
  names.forEach(visit);
  const tarballs = new Map();
  for (const name of wanted) {
    const { stdout } = await exec('pnpm', ['pack', '--pack-destination', destination], {
      cwd: kit.get(name),
    });
    const file = stdout.trim().split('\n').at(-1).trim();
    tarballs.set(name, file.startsWith('/') ? file : join(destination, file));
  }
  return tarballs;
}

/** Starts `node dist/main.js` in the project; its output is kept for failure messages. */
export function startProgram(dir, env) {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: dir,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return {
    output: () => output,
    stop: () => {
      child.kill('SIGKILL');
      return new Promise((resolve) =>
        child.exitCode === null ? child.once('exit', resolve) : resolve(),
      );
    },
  };
}

/** A port nothing listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Polls `check` until it returns true (or fails with `describe()` after `timeoutMs`). */
export async function waitFor(check, describe, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The install commands of the README's "## Install" part (`npm install`, `pnpm add`, `yarn add`,
 * with `-D` for development dependencies; `\\` continuations joined), as package names.
 */
export function installLines(readme) {
  const section = readme.split(/^## Install\b.*$/m)[1]?.split(/^## /m)[0] ?? '';
  const commands = section
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^(npm (install|i)|pnpm add|yarn add) /.test(line));
  if (commands.length === 0) throw new Error('the README has no install line under "## Install"');
  const install = { dependencies: [], devDependencies: [] };
  for (const command of commands) {
    const words = command.split(/\s+/).slice(2);
    const dev = words.some((w) => w === '-D' || w === '--save-dev' || w === '--dev');
    install[dev ? 'devDependencies' : 'dependencies'].push(
      ...words.filter((w) => !w.startsWith('-')),
    );
  }
  return install;
}

/** The README's files: each fenced block right after a `<!-- file: PATH -->` line. */
export function readmeFiles(readme) {
  const files = {};
  for (const match of readme.matchAll(
    /<!-- file: (\S+) -->\s*```(?:ts|typescript)\n([\s\S]*?)```/g,
  )) {
    files[match[1]] = match[2];
  }
  if (Object.keys(files).length === 0)
    throw new Error('the README marks no file (<!-- file: PATH -->)');
  return files;
}

/** Package names the code imports (`node:` built-ins left out). */
export function importedPackages(code) {
  const specifiers = [...code.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map(
    (m) => m[1],
  );
  const names = specifiers
    .filter((s) => !s.startsWith('.') && !s.startsWith('node:'))
    .map((s) =>
      s
        .split('/')
        .slice(0, s.startsWith('@') ? 2 : 1)
        .join('/'),
    );
  return [...new Set(names)];
}

/**
 * Creates the project, installs exactly what the README's install lines name (the kit's packages
 * from tarballs), writes the README's files and compiles them with the `tsc` the README installed
 * (strict, NodeNext, no skipLibCheck: our .d.ts files are checked as users see them).
 * Returns the folder; run `node dist/main.js` there.
 */
export async function freshProjectFromReadme({ readmePath, compilerOptions = {} }) {
  const readme = readFileSync(readmePath, 'utf8');
  const base = mkdtempSync(join(tmpdir(), 'smspartner-fresh-'));
  const install = installLines(readme);
  const named = [...install.dependencies, ...install.devDependencies];
  const tarballs = await packKit(named, join(base, 'tarballs'));
  const dir = join(base, 'project');
  mkdirSync(join(dir, 'src'), { recursive: true });
  // Transitive kit dependencies come from the tarballs too ("$name": the direct dependency's spec).
  const overrides = Object.fromEntries(
    [...tarballs].map(([name, file]) => [name, named.includes(name) ? `$${name}` : `file:${file}`]),
  );
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'fresh-project', private: true, type: 'module', overrides }, null, 2)}\n`,
  );
  const spec = (name) => (tarballs.has(name) ? `file:${tarballs.get(name)}` : name);
  const npm = ['install', '--no-audit', '--no-fund', '--loglevel=error'];
  await exec('npm', [...npm, ...install.dependencies.map(spec)], { cwd: dir });
  if (install.devDependencies.length > 0) {
    await exec('npm', [...npm, '-D', ...install.devDependencies.map(spec)], { cwd: dir });
  }
  const files = readmeFiles(readme);
  // npm hoists transitive dependencies, so an import the install lines forgot would still resolve.
  const missing = importedPackages(Object.values(files).join('\n')).filter(
    (n) => !named.includes(n),
  );
  if (missing.length > 0) {
    throw new Error(
      `the example imports ${missing.join(', ')}, which the install lines do not name`,
    );
  }
  for (const [path, code] of Object.entries(files)) writeFileSync(join(dir, path), code);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        outDir: 'dist',
        rootDir: 'src',
        ...compilerOptions,
      },
      include: ['src'],
    }),
  );
  try {
    await exec(
      process.execPath,
      [join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir],
      {
        cwd: dir,
      },
    );
  } catch (error) {
    throw new Error(`the README example does not compile:\n${error.stdout}${error.stderr}`);
  }
  return { dir, install };
}

/**
 * Runs the built quick start with `env` (plus PORT, and PUBLIC_URL = its own address), waits until
 * it listens, POSTs `body` as JSON to `route` and waits until `receiptAccepted(messageId)` holds.
 * Returns the send's HTTP status; `program.stop()` ends it.
 */
export async function sendThroughQuickStart({ dir, env, route, body, receiptAccepted }) {
  const port = await freePort();
  const app = `http://127.0.0.1:${port}`;
  const program = startProgram(dir, { ...env, PORT: String(port), PUBLIC_URL: app });
  try {
    await waitFor(
      () =>
        fetch(app).then(
          () => true,
          () => false,
        ),
      () => `the app to listen on ${app}: ${program.output()}`,
    );
    const response = await fetch(`${app}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 201) return { status: response.status, program };
    const { messageId } = await response.json();
    await waitFor(
      () => receiptAccepted(String(messageId)),
      () => `the receipt of ${messageId} to be accepted: ${program.output()}`,
    );
    return { status: response.status, program };
  } catch (error) {
    await program.stop();
    throw error;
  }
}
