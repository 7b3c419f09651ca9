// A worker's deliveries, by their consumer sequence: the server numbers every delivery of a
// consumer, a redelivery too, so the deliveries one worker receives count up by one. A jump
// means the server delivered messages the worker never received: a pull lost with a consumer
// leader killed mid-delivery, or answered into the inbox of a worker that has gone. Those come
// back only after the ack wait (30 s), behind newer ones; applied first, the newer ones move
// the checkpoint past them (apply.ts then skips them) and their ack acknowledges them
// (AckAll): they would never be applied. The worker stops at the jump instead, and the next
// one makes the consumer again from the checkpoint (ensureConsumer: delivered past it).
// A step back is a new consumer leader that had not heard of the last deliveries: it sends
// them again, which the checkpoint makes harmless, and numbers them from where it knows.

export type DeliveryGap = { expected: number; got: number };

/** `delivered`: the consumer sequence of its last delivery before this worker (its info). */
export function watchDeliveries(delivered: number): (deliverySequence: number) => DeliveryGap | undefined {
  let last = delivered;
  return (got) => {
    const expected = last + 1;
    if (got > expected) return { expected, got };
    last = got;
    return undefined;
  };
}
