// The child end of the IPC channel opened by startNodeProcess: scripts started by a test import this.

/** The message a child sends once it is ready to be tested. */
export interface ReadyMessage {
  readonly type: 'ready';
}

/** True when `message` is the ready signal sent by {@link signalReady}. */
export function isReadyMessage(message: unknown): message is ReadyMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'ready';
}

let watchingParent = false;

/**
 * Tells the parent test that this process is ready. It also makes the process exit (code 1) when the
 * IPC channel closes, so a child never outlives the test process that started it. Does nothing
 * when the process was not started with an IPC channel.
 */
export function signalReady(): void {
  if (!process.send) return;
  if (!watchingParent) {
    watchingParent = true;
    process.once('disconnect', () => process.exit(1));
  }
  const ready: ReadyMessage = { type: 'ready' };
  process.send(ready);
}

/**
 * Calls `listener` for each IPC message from the parent test; returns a function that unsubscribes.
 * The listener keeps the process alive for as long as the channel is open.
 */
export function onParentMessage(listener: (message: unknown) => void): () => void {
  const handler = (message: unknown): void => listener(message);
  process.on('message', handler);
  return () => {
    process.off('message', handler);
  };
}
