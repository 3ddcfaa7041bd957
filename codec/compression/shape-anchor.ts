/**
 * Keeps one idle instance of each decompressor alive for the life of the module. V8 forgets an
 * object shape (hidden class) once no instance of it is left, and with it the type feedback and
 * optimized code of the loops that used it; a program that drops one connection's decompressor
 * before creating the next (a reconnect, a benchmark pass after a GC) would otherwise run the
 * hot loops unoptimized and recompile them every time. Measured: 3.5 ms instead of 15-30 ms for
 * 1.7 MB of zlib-stream after a forced GC.
 */
const anchors: unknown[] = [];

/** Holds `instance` forever; call once per class, with a small instance built like any other. */
export function anchorShapes(instance: unknown): void {
  anchors.push(instance);
}
