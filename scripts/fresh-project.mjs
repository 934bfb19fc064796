// A fresh project outside the workspace, built the way a stranger builds one from a README:
// the kit's packages packed into tarballs (as npm would serve them), exactly the packages that
// the README's install line names, the README's example as the program, strict TypeScript.
// Used by the adapters' `test/fresh-project.test.ts`.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));

/** What the harness adds on top of the install line: the tools of any TypeScript project. */
export const TOOLING = ['typescript@5.9.3', '@types/node@20.19.43'];

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

/** Packs every published package of the kit (their `dist` must be built) into one folder. */
export async function packKit(destination) {
  const tarballs = new Map();
  for (const [name, folder] of kitPackages()) {
    const { stdout } = await exec('pnpm', ['pack', '--pack-destination', destination], {
      cwd: folder,
    });
    const file = stdout.trim().split('\n').at(-1).trim();
    tarballs.set(name, file.startsWith('/') ? file : join(destination, file));
  }
  return tarballs;
}

/** The package names of the first `npm install` / `pnpm add` line in the README's Install part. */
export function installLine(readme) {
  const section = readme.split(/^## Install\b.*$/m)[1]?.split(/^## /m)[0] ?? '';
  const line = section
    .split('\n')
    .map((l) => l.trim())
    .find((l) => /^(npm (install|i)|pnpm add|yarn add) /.test(l));
  if (!line) throw new Error('the README has no install line under "## Install"');
  return line
    .split(/\s+/)
    .slice(2)
    .filter((word) => !word.startsWith('-'));
}

/** The first fenced code block between `<!-- NAME:start -->` and `<!-- NAME:end -->`. */
export function exampleBlock(readme, marker) {
  const part = readme.split(`<!-- ${marker}:start -->`)[1]?.split(`<!-- ${marker}:end -->`)[0];
  const code = part && /```(?:ts|typescript)\n([\s\S]*?)```/.exec(part)?.[1];
  if (!code) throw new Error(`the README has no code block between ${marker} markers`);
  return code;
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
 * Creates the project, installs, writes `src/main.ts` from the README and compiles it with `tsc`
 * (strict, NodeNext, no skipLibCheck: our own .d.ts files are type-checked as users see them).
 * Returns the folder; run `node dist/main.js` there.
 */
export async function freshProjectFromReadme({ readmePath, marker, compilerOptions = {} }) {
  const readme = readFileSync(readmePath, 'utf8');
  const base = mkdtempSync(join(tmpdir(), 'smspartner-fresh-'));
  const tarballs = await packKit(join(base, 'tarballs'));
  const dir = join(base, 'project');
  mkdirSync(join(dir, 'src'), { recursive: true });
  const names = installLine(readme);
  // Transitive kit dependencies come from the tarballs too ("$name": the direct dependency's spec).
  const overrides = Object.fromEntries(
    [...tarballs].map(([name, file]) => [name, names.includes(name) ? `$${name}` : `file:${file}`]),
  );
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'fresh-project', private: true, type: 'module', overrides }, null, 2)}\n`,
  );
  const specs = names.map((name) => (tarballs.has(name) ? `file:${tarballs.get(name)}` : name));
  await exec('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...specs], {
    cwd: dir,
  });
  await exec('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '-D', ...TOOLING], {
    cwd: dir,
  });
  const example = exampleBlock(readme, marker);
  // npm hoists transitive dependencies, so an import the install line forgot would still resolve.
  const missing = importedPackages(example).filter((name) => !names.includes(name));
  if (missing.length > 0) {
    throw new Error(
      `the example imports ${missing.join(', ')}, which the install line does not name`,
    );
  }
  writeFileSync(join(dir, 'src', 'main.ts'), example);
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
  const tsc = join(dir, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    await exec(process.execPath, [tsc, '-p', dir], { cwd: dir });
  } catch (error) {
    throw new Error(`the README example does not compile:\n${error.stdout}${error.stderr}`);
  }
  return { dir, installed: names };
}
