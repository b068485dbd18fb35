// The shared libraries an ELF file names as DT_NEEDED: what the dynamic loader will look for when it loads
// it. Reads the header, the program headers, the dynamic segment and its string table: a few small reads,
// however large the file (onnxruntime's CUDA provider is 229 MB).
import { closeSync, openSync, readSync } from 'node:fs';

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const DT_NEEDED = 1n;
const DT_STRTAB = 5n;
const DT_STRSZ = 10n;

function read(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const n = readSync(fd, buf, 0, length, offset);
  if (n !== length) throw new Error('short read');
  return buf;
}

/** The DT_NEEDED names of a 64-bit little-endian ELF file, in order; undefined when it is not one or cannot be read. */
export function elfNeeded(path: string): string[] | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const header = read(fd, 0, 64);
    if (header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2 || header[5] !== 1) return undefined;
    const phoff = Number(header.readBigUInt64LE(0x20));
    const phentsize = header.readUInt16LE(0x36);
    const phnum = header.readUInt16LE(0x38);
    const table = read(fd, phoff, phentsize * phnum);
    const segments = Array.from({ length: phnum }, (_, i) => {
      const at = i * phentsize;
      return { type: table.readUInt32LE(at), offset: table.readBigUInt64LE(at + 8), vaddr: table.readBigUInt64LE(at + 16), filesz: table.readBigUInt64LE(at + 32) };
    });
    const dynamic = segments.find((s) => s.type === PT_DYNAMIC);
    if (!dynamic) return [];
    const entries = read(fd, Number(dynamic.offset), Number(dynamic.filesz));
    const needed: bigint[] = [];
    let strtab: bigint | undefined;
    let strsz: bigint | undefined;
    for (let at = 0; at + 16 <= entries.length; at += 16) {
      const tag = entries.readBigInt64LE(at);
      const value = entries.readBigUInt64LE(at + 8);
      if (tag === 0n) break;
      if (tag === DT_NEEDED) needed.push(value);
      else if (tag === DT_STRTAB) strtab = value;
      else if (tag === DT_STRSZ) strsz = value;
    }
    if (strtab === undefined || strsz === undefined) return undefined;
    // DT_STRTAB is an address: the PT_LOAD segment that holds it says where it is in the file.
    const load = segments.find((s) => s.type === PT_LOAD && s.vaddr <= strtab! && strtab! < s.vaddr + s.filesz);
    if (!load) return undefined;
    const strings = read(fd, Number(strtab - load.vaddr + load.offset), Number(strsz));
    return needed.map((n) => {
      const start = Number(n);
      const end = strings.indexOf(0, start);
      return strings.toString('latin1', start, end < 0 ? strings.length : end);
    });
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
