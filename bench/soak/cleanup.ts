// What the soak run must undo, whatever ends it (the end of the run, an error, Ctrl-C, SIGTERM):
// a stack of synchronous steps (child processes are ended with spawnSync and a timeout), run
// newest first and once. Synchronous so they also run from a signal handler and from `exit`.

export type Log = (message: string) => void;

export class Cleanup {
  private readonly steps: Array<{ readonly name: string; readonly run: () => void }> = [];
  private done = false;

  constructor(private readonly log: Log) {}

  /** Registers a step; the returned function drops it (for something already undone). */
  add(name: string, run: () => void): () => void {
    const step = { name, run };
    this.steps.push(step);
    return () => {
      const at = this.steps.indexOf(step);
      if (at >= 0) this.steps.splice(at, 1);
    };
  }

  /** Runs every step, newest first; a failing step is reported and the next one still runs. */
  runAll(): void {
    if (this.done) return;
    this.done = true;
    const started = Date.now();
    for (const step of this.steps.splice(0).reverse()) {
      try {
        step.run();
      } catch (err) {
        this.log(`cleanup: ${step.name} failed: ${(err as Error).message}`);
      }
    }
    this.log(`cleaned up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  /**
   * Ctrl-C, SIGTERM and SIGHUP clean up and exit (130, 143, 129); so do uncaught errors (1), and
   * `exit` runs what is left as a last resort.
   */
  installHandlers(): void {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals, code: number) => {
      process.on(signal, () => {
        if (stopping) return;
        stopping = true;
        this.log(`${signal}: stopping and cleaning up (a second Ctrl-C cuts the cleanup short)`);
        // After a moment: tsx (which runs the benchmark) relays the signal and kills its child
        // unless the child's acknowledgement reaches it within 30 ms, which a synchronous cleanup
        // started right away would hold up.
        setTimeout(() => {
          this.runAll();
          process.exit(code);
        }, 200);
      });
    };
    onSignal('SIGINT', 130);
    onSignal('SIGTERM', 143);
    onSignal('SIGHUP', 129);
    const onError = (err: unknown) => {
      this.log(`uncaught: ${(err as Error)?.stack ?? String(err)}`);
      this.runAll();
      process.exit(1);
    };
    process.on('uncaughtException', onError);
    process.on('unhandledRejection', onError);
    process.on('exit', () => this.runAll());
  }
}
