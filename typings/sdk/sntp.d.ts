declare module 'sntp' {
  type SNTPOptions = { host: string };
  type SNTPCallbackMessage = -1 | 1 | 2;
  type SNTPCallback = (message: SNTPCallbackMessage, value?: number) => void;
  class SNTP {
    static readonly time: 1;
    static readonly retry: 2;
    static readonly error: -1;
    constructor(options: SNTPOptions, callback: SNTPCallback);
  }
  export { SNTP as default };
}
