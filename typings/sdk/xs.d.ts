/** XS engine globals and built-in extensions ($MODDABLE/xs/includes/xs.d.ts). */
interface Trace {
  (...log: (string | number | boolean)[]): void;
  left(log: string | ArrayBufferLike, conversation?: string): void;
  center(log: string | ArrayBufferLike, conversation?: string): void;
  right(log: string | ArrayBufferLike, conversation?: string): void;
}
declare const trace: Trace;

declare class HostBuffer {
  readonly byteLength: number;
  private brand: boolean;
}

interface ArrayBufferTypes {
  HostBuffer: HostBuffer;
}

interface ByteBufferTypes extends ArrayBufferTypes {
  Uint8Array: Uint8Array;
  Uint8ClampedArray: Uint8ClampedArray;
  Int8Array: Int8Array;
  DataView: DataView;
}

type ByteBuffer = ByteBufferTypes[keyof ByteBufferTypes];

interface ObjectConstructor {
  freeze<T>(obj: T, freeze?: boolean | number): Readonly<T>;
}

interface StringConstructor {
  fromArrayBuffer(buffer: ArrayBufferLike): string;
}

interface ArrayBufferConstructor {
  fromString(string: string): ArrayBuffer;
  fromBigInt(value: bigint): ArrayBuffer;
}

interface ArrayBuffer {
  concat(...buffers: ArrayBufferLike[]): ArrayBuffer;
}

interface Uint8Array {
  toHex(): string;
  toBase64(): string;
}

interface FromBase64Options {
  alphabet?: 'base64url' | 'base64';
  lastChunkHandling?: 'stop-before-partial' | 'strict' | 'loose';
  omitPadding?: boolean;
}

interface Uint8ArrayConstructor {
  fromBase64(base64: string, options?: FromBase64Options): Uint8Array;
  fromHex(string: string): Uint8Array;
}

interface BigIntConstructor {
  bitLength(value: bigint): number;
  fromArrayBuffer(buffer: ArrayBufferLike): bigint;
}

declare function Native(name: string): new (...args: any[]) => any;
declare function native(name: string): (...args: any[]) => any;
