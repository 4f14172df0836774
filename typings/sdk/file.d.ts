declare module 'file' {
  export class File {
    constructor(path: string, write?: boolean);
    read<T extends typeof ArrayBuffer | typeof String>(type: T, bytes?: number): T extends typeof String ? string : InstanceType<T>;
    write(value: ArrayBufferLike | ArrayBuffer | string, ...moreValues: (ArrayBuffer | string)[]): void;
    close(): void;
    readonly length: number;
    position: number;
    static delete(path: string): boolean;
    static exists(path: string): boolean;
    static rename(from: string, to: string): boolean;
  }
  type IteratorDirectoryEntry = { name: string; length: undefined };
  type IteratorFileEntry = { name: string; length: number };
  class Iterator {
    constructor(path: string);
    next(): IteratorDirectoryEntry | IteratorFileEntry | undefined;
  }
  class Directory {
    static create(path: string): void;
    static delete(path: string): void;
  }
  class System {
    static config(): { maxPathLength: number };
    static info(): { used: number; total: number };
  }
}

declare module 'Resource' {
  interface ResourcePrototype extends HostBuffer {
    slice(begin: number, end?: number): ArrayBuffer;
    slice(begin: number, end?: number, copy?: boolean): HostBuffer;
  }
  export interface ResourceConstructor {
    new (path: string): ResourcePrototype;
    exists(path: string): boolean;
  }
  const Resource: ResourceConstructor;
  export { Resource as default };
}
