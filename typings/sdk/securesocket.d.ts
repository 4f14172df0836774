declare module 'securesocket' {
  type WriteData = number | string | ByteBuffer;
  export default class SecureSocket {
    constructor(dict: { [k: string]: any });
    read<T extends typeof String | typeof ArrayBuffer>(type: T, until?: number): T extends typeof String ? string : ArrayBuffer;
    write(data: WriteData, ...moreData: WriteData[]): void;
    close(): void;
  }
}
