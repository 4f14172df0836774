declare module 'preference' {
  var Preference: {
    set: (domain: string, key: string, value: string | boolean | number | ArrayBuffer) => void;
    get: (domain: string, key: string) => string | boolean | number | ArrayBuffer | undefined;
    delete: (domain: string, key: string) => void;
    keys: (domain: string) => string[];
  };
  export { Preference as default };
}
