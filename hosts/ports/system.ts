export interface HeapFigures {
  freeBytes: number;
  totalBytes: number;
  minimumFreeBytes?: number;
}

export interface SystemPort {
  readonly platform: 'esp32' | 'sim' | 'node' | 'xs-test';
  readonly firmwareVersion: string;
  restart(): void;
  heap(): HeapFigures;
  uptimeMs(): number;
}
