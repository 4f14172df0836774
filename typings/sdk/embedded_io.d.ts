/** ECMA-419 IO classes as the SDK types them ($MODDABLE/typings/embedded_io/*). */
declare module 'embedded:io/_common' {
  export type PinSpecifier = number;
  export type PortSpecifier = number;
}

declare module 'embedded:io/serial' {
  import { PinSpecifier, PortSpecifier } from 'embedded:io/_common';
  class Serial {
    constructor(
      options: ({ receive: PinSpecifier; transmit?: PinSpecifier } | { recevice?: PinSpecifier; transmit: PinSpecifier }) & {
        baud: number;
        flowControl?: 'hardware' | 'none';
        port: PortSpecifier;
        onReadable?: (this: Serial, bytes: number) => void;
        onWritable?: (this: Serial, bytes: number) => void;
        format?: 'number' | 'buffer';
        target?: any;
      },
    );
    readonly resolution: number;
    close(): void;
    read(): number | ArrayBuffer | undefined;
    read(byteLength: number): ArrayBuffer | undefined;
    read(buffer: ByteBuffer): number | undefined;
    write(value: number | ByteBuffer): void;
    flush(): void;
    get format(): 'number' | 'buffer';
    set format(value: 'number' | 'buffer');
  }
  export default Serial;
}

declare module 'embedded:io/socket/tcp' {
  export type Options = (({ address: string } | { host: string }) & { port: number }) | { from: TCP };
  export default class TCP {
    constructor(
      options: Options & {
        nodelay?: boolean;
        onReadable?: (this: TCP, bytes: number) => void;
        onWritable?: (this: TCP, bytes: number) => void;
        onError?: (this: TCP) => void;
        format?: 'number' | 'buffer';
        target?: any;
      },
    );
    readonly remoteAddress: string | undefined;
    readonly remotePort: number | undefined;
    read(byteLength?: number): number | ArrayBuffer;
    read(buffer: ByteBuffer): void;
    write(value: number | ByteBuffer): void;
    close(): void;
    get format(): 'number' | 'buffer';
    set format(value: 'number' | 'buffer');
  }
}

declare module 'embedded:io/socket/listener' {
  import TCP from 'embedded:io/socket/tcp';
  class Listener {
    constructor(options: { port?: number; address?: string; onReadable?: (this: Listener, requests: number) => void; format?: 'socket/tcp'; target?: any });
    read(): TCP | undefined;
    get format(): 'socket/tcp';
    set format(value: 'socket/tcp');
    readonly port: number;
  }
  export default Listener;
}

declare module 'embedded:io/digital' {
  import { PinSpecifier } from 'embedded:io/_common';
  class Digital {
    static readonly Input: number;
    static readonly InputPullUp: number;
    static readonly InputPullDown: number;
    static readonly Output: number;
    static readonly Rising: number;
    static readonly Falling: number;
    constructor(options: { pin: PinSpecifier; mode: number; edge?: number; onReadable?: (this: Digital) => void; target?: any });
    read(): number;
    write(value: number): void;
    close(): void;
  }
  export default Digital;
}
