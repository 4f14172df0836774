/** $(MODDABLE)/modules/base/instrumentation: counters of the XS machine and the host. Every call returns undefined unless the build is debug (-d) or instrumented (-i). */
declare module 'instrumentation' {
  export default class Instrumentation {
    static get(what: number): number | undefined;
    static map(name: string): number | undefined;
    static name(what: number): string | undefined;
  }
}
