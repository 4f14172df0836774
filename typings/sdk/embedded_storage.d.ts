/** Flash partitions and the firmware updater ($MODDABLE/typings/embedded/{storage/flash,update}.d.ts). */
declare module 'embedded:storage/flash' {
  export interface FlashOpenOptions {
    path: string;
    mode?: 'r' | 'r+';
  }
  export interface FlashStatus {
    size: number;
    blockLength: number;
    blocks: number;
    writeAlign: number;
    eraseValue: number;
  }
  export class Flash {
    close(): void;
    eraseBlock(start: number, end?: number): void;
    read(byteLength: number, byteOffset: number): ArrayBuffer;
    read(buffer: ByteBuffer, byteOffset: number): number;
    write(buffer: ByteBuffer, byteOffset: number): void;
    status(): FlashStatus;
    format: 'buffer';
  }
  const FlashStorage: {
    open(options: FlashOpenOptions): Flash;
    [Symbol.iterator](): IterableIterator<string>;
  };
  export default FlashStorage;
}

declare module 'embedded:update' {
  import type { Flash } from 'embedded:storage/flash';
  export interface UpdateOpenOptions {
    partition: Flash;
    mode?: 'a' | 'w';
    byteLength?: number;
  }
  export interface Updater {
    close(): void;
    complete(): void;
    write(bytes: ByteBuffer): void;
    write(bytes: ByteBuffer, byteOffset: number): void;
    format: 'buffer';
  }
  const Update: { open(options: UpdateOpenOptions): Updater };
  export default Update;
}
