import fs from 'node:fs';

/**
 * The few lines of POSIX ustar (IEEE Std 1003.1 "pax" interchange format, ustar header) a backup needs:
 * regular files and folders, names under 100 bytes, streamed in 1 MiB chunks so a multi-gigabyte
 * database never sits in memory. Any `tar` reads what this writes (`tar tf backup.tar`).
 */
const BLOCK = 512;
const CHUNK = 1 << 20;

function header(name: string, size: number, mode: number, type: '0' | '5'): Buffer {
  if (Buffer.byteLength(name) >= 100) throw new Error(`tar: name too long: ${name}`);
  const h = Buffer.alloc(BLOCK);
  const put = (value: string, offset: number, length: number) => h.write(value, offset, length, 'utf8');
  const octal = (n: number, length: number) => n.toString(8).padStart(length - 1, '0');
  put(name, 0, 100);
  put(octal(mode, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(Math.floor(Date.now() / 1000), 12), 136, 12);
  put('        ', 148, 8);
  put(type, 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  let sum = 0;
  for (const b of h) sum += b;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return h;
}

export class TarWriter {
  private readonly fd: number;

  constructor(file: string) {
    // 'wx': never overwrite an existing backup.
    this.fd = fs.openSync(file, 'wx', 0o600);
  }

  folder(name: string): void {
    fs.writeSync(this.fd, header(name.endsWith('/') ? name : `${name}/`, 0, 0o700, '5'));
  }

  /** Appends the file at `source` under `name`. */
  file(name: string, source: string): void {
    const size = fs.statSync(source).size;
    fs.writeSync(this.fd, header(name, size, 0o600, '0'));
    const src = fs.openSync(source, 'r');
    try {
      const buf = Buffer.alloc(CHUNK);
      let done = 0;
      while (done < size) {
        const n = fs.readSync(src, buf, 0, Math.min(CHUNK, size - done), done);
        if (n === 0) throw new Error(`tar: ${source} shrank while being copied`);
        fs.writeSync(this.fd, buf, 0, n);
        done += n;
      }
    } finally {
      fs.closeSync(src);
    }
    const pad = (BLOCK - (size % BLOCK)) % BLOCK;
    if (pad) fs.writeSync(this.fd, Buffer.alloc(pad));
  }

  /** Two zero blocks end the archive; the file is fsynced before it is called done. */
  close(): void {
    fs.writeSync(this.fd, Buffer.alloc(BLOCK * 2));
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
  }
}

export interface TarEntry {
  name: string;
  type: 'file' | 'folder';
  size: number;
}

/**
 * Reads an archive written by {@link TarWriter}; `onFile` gets each file's bytes in chunks. Refuses
 * names that would leave the target folder (absolute, `..`), links and anything it does not know.
 */
export function readTar(file: string, onEntry: (entry: TarEntry) => void, onChunk: (entry: TarEntry, chunk: Buffer) => void): void {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    let at = 0;
    const h = Buffer.alloc(BLOCK);
    for (;;) {
      if (at + BLOCK > size) throw new Error('the backup ends before its end marker (truncated?)');
      fs.readSync(fd, h, 0, BLOCK, at);
      at += BLOCK;
      if (h.every((b) => b === 0)) return;
      const field = (offset: number, length: number) => h.subarray(offset, offset + length).toString('utf8').replace(/\0.*$/s, '');
      const stored = parseInt(field(148, 8).trim(), 8);
      let sum = 0;
      for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
      if (stored !== sum) throw new Error('the backup is damaged (a header checksum does not match)');
      const name = field(0, 100);
      const type = field(156, 1);
      const length = parseInt(field(124, 12).trim() || '0', 8);
      if (!name || name.startsWith('/') || name.split('/').includes('..')) throw new Error(`the backup holds a name outside the data folder: ${name}`);
      if (type === '5') {
        onEntry({ name: name.replace(/\/$/, ''), type: 'folder', size: 0 });
        continue;
      }
      if (type !== '0' && type !== '') throw new Error(`the backup holds an entry of type ${type} (only files and folders are restored)`);
      if (at + length > size) throw new Error('the backup ends inside a file (truncated?)');
      const entry: TarEntry = { name, type: 'file', size: length };
      onEntry(entry);
      const buf = Buffer.alloc(Math.min(CHUNK, Math.max(length, 1)));
      let done = 0;
      while (done < length) {
        const n = fs.readSync(fd, buf, 0, Math.min(buf.length, length - done), at + done);
        onChunk(entry, buf.subarray(0, n));
        done += n;
      }
      at += length + ((BLOCK - (length % BLOCK)) % BLOCK);
    }
  } finally {
    fs.closeSync(fd);
  }
}
