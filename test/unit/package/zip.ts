// A small reader of the .vsix (a zip archive): the central directory's entries and their contents.
// Enough for what vsce writes (stored or deflated entries, no ZIP64, no encryption); every entry read
// is checked against its CRC-32, so a misread archive fails instead of passing on garbage.
import zlib from 'node:zlib';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;
/** The end record is 22 bytes plus a comment of at most 65,535. */
const END_RECORD_SEARCH = 22 + 0xffff;

export interface ZipEntry {
  readonly name: string;
  /** Uncompressed size in bytes. */
  readonly size: number;
  /** The entry's bytes, inflated and CRC-checked. */
  read(): Buffer;
}

export function readZip(archive: Buffer): ZipEntry[] {
  const end = findEndRecord(archive);
  const count = archive.readUInt16LE(end + 10);
  let offset = archive.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let index = 0; index < count; index++) {
    expectSignature(archive, offset, CENTRAL_DIRECTORY_HEADER, 'central directory header');
    const method = archive.readUInt16LE(offset + 10);
    const crc = archive.readUInt32LE(offset + 16);
    const compressedSize = archive.readUInt32LE(offset + 20);
    const size = archive.readUInt32LE(offset + 24);
    const nameLength = archive.readUInt16LE(offset + 28);
    const extraLength = archive.readUInt16LE(offset + 30);
    const commentLength = archive.readUInt16LE(offset + 32);
    const localHeader = archive.readUInt32LE(offset + 42);
    const name = archive.toString('utf8', offset + 46, offset + 46 + nameLength);
    entries.push({
      name,
      size,
      read: () => {
        expectSignature(archive, localHeader, LOCAL_FILE_HEADER, `local header of ${name}`);
        // The local header's own name and extra field lengths may differ from the central directory's.
        const start = localHeader + 30 + archive.readUInt16LE(localHeader + 26) + archive.readUInt16LE(localHeader + 28);
        const stored = archive.subarray(start, start + compressedSize);
        if (method !== STORED && method !== DEFLATED) throw new Error(`${name}: compression method ${method} is not supported`);
        const bytes = method === DEFLATED ? zlib.inflateRawSync(stored) : stored;
        if (bytes.length !== size || zlib.crc32(bytes) !== crc) throw new Error(`${name}: size or CRC-32 does not match`);
        return bytes;
      },
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function findEndRecord(archive: Buffer): number {
  const signature = Buffer.alloc(4);
  signature.writeUInt32LE(END_OF_CENTRAL_DIRECTORY);
  const end = archive.lastIndexOf(signature);
  if (end < 0 || end < archive.length - END_RECORD_SEARCH) throw new Error('not a zip archive: no end of central directory');
  return end;
}

function expectSignature(archive: Buffer, offset: number, signature: number, what: string): void {
  if (offset + 4 > archive.length || archive.readUInt32LE(offset) !== signature) {
    throw new Error(`not a zip archive: no ${what} at byte ${offset}`);
  }
}
