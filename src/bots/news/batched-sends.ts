/**
 * Sends to one recipient one at a time; what piles up while one send is on its way goes in the
 * next send, together. A burst of approvals, or a post published on several networks at once,
 * gives a person one note instead of a stream (chats also allow only about one message a
 * second per conversation). A lone item goes at once. Each caller's promise settles when the
 * send that carried its item does.
 */
export class BatchedSends<T> {
  readonly #lanes = new Map<string, { tail: Promise<void>; open: { items: T[]; sent: Promise<void> } | undefined }>();

  constructor(private readonly sendAll: (recipient: string, items: T[]) => Promise<void>) {}

  send(recipient: string, item: T): Promise<void> {
    const lane = this.#lanes.get(recipient) ?? { tail: Promise.resolve(), open: undefined };
    this.#lanes.set(recipient, lane);
    if (lane.open) {
      lane.open.items.push(item);
      return lane.open.sent;
    }
    const batch = { items: [item], sent: Promise.resolve() };
    lane.open = batch;
    batch.sent = lane.tail.then(() => {
      // From here on, new items start the next batch, which waits for this one.
      if (lane.open === batch) lane.open = undefined;
      return this.sendAll(recipient, batch.items);
    });
    const tail = batch.sent.catch(() => undefined);
    lane.tail = tail;
    void tail.then(() => {
      if (lane.tail === tail && !lane.open) this.#lanes.delete(recipient);
    });
    return batch.sent;
  }
}
