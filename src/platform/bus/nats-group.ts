import type { JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { toError } from '../errors.ts';
import { sleep } from '../signal.ts';
import { type ConsumeOptions, type EventHandler, wants } from './bus.ts';
import type { EventRecord } from './events.ts';
import { durable, durableConfig, type NatsNames, nanos } from './nats-names.ts';
import { DEFAULT_BACKOFF_MS, DEFAULT_MAX_DELIVER } from './store-consumer.ts';

const FETCH = 100;

export interface NatsGroupOptions {
  readonly group: string;
  readonly handler: EventHandler;
  readonly options: ConsumeOptions;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly names: NatsNames;
  readonly logger: Logger;
  readonly ackWaitMs: number;
}

/**
 * One consumer group on this node: a pull loop on the group's durable consumer of the events
 * stream and one on its `-retry` consumer of the retry stream (dead letters an operator retried).
 * `stop()` lets the batch in hand finish and be acked, so a replay can reset the group's
 * durable consumer under a stopped runner and start a new one.
 */
export class NatsGroup {
  private stopped = false;
  private loops: Promise<unknown> | undefined;

  constructor(private readonly o: NatsGroupOptions) {}

  /** Starts the loops, after `before` (a replay left pending by a crash) has succeeded. */
  start(before: () => Promise<void> = async () => {}): void {
    const name = durable(this.o.group);
    this.loops = (async () => {
      while (!this.stopped) {
        try {
          await before();
          break;
        } catch (e) {
          this.o.logger.warn({ err: toError(e), group: this.o.group }, 'group start failed; retrying');
          await sleep(500);
        }
      }
      await Promise.allSettled([
        this.pull(this.o.names.events, name),
        this.pull(this.o.names.retry, `${name}-retry`, `${this.o.names.retrySubject}.${name}`),
      ]);
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loops;
  }

  private async ensureConsumer(stream: string, name: string, filter?: string): Promise<void> {
    const ackWait = nanos(this.o.ackWaitMs);
    // Not there, or unreadable: the add below creates it, or fails and says why.
    const info = await this.o.jsm.consumers.info(stream, name).catch(() => undefined);
    if (!info) {
      await this.o.jsm.consumers.add(stream, durableConfig(name, ackWait, filter ? { filter } : {}));
    } else if (info.config.ack_wait !== ackWait) {
      // A consumer made with another ack wait (an older deployment, another setting) takes this one.
      await this.o.jsm.consumers.update(stream, name, { ack_wait: ackWait });
    }
  }

  /** One pull loop: fetch, handle in order (retrying in place), ack; dead-letter what keeps failing. */
  private async pull(stream: string, name: string, filter?: string): Promise<void> {
    while (!this.stopped) {
      try {
        await this.ensureConsumer(stream, name, filter);
        const consumer = await this.o.js.consumers.get(stream, name);
        while (!this.stopped) {
          const fetched = await consumer.fetch({ max_messages: FETCH, expires: 1_000 });
          await this.drainFetch(fetched);
        }
      } catch (e) {
        if (this.stopped) return;
        // Also what a node sees when a replay elsewhere deletes and remakes the group's consumer.
        this.o.logger.warn({ err: toError(e), group: this.o.group }, 'consumer loop failed; retrying');
        await sleep(500);
      }
    }
  }

  /**
   * Handles a fetch's messages as they arrive, in order: whatever came in while the previous
   * messages were handled makes the next batch (a fetch lasts until it has FETCH messages or
   * expires, and nothing waits for that). Every message received stays in progress
   * (`working()`) until it is acked, so a slow batch is not redelivered under its handler.
   */
  private async drainFetch(fetched: AsyncIterable<JsMsg>): Promise<void> {
    const received: JsMsg[] = [];
    let queue: JsMsg[] = [];
    let ended = false;
    let wake: (() => void) | undefined;
    const pump = (async () => {
      try {
        for await (const m of fetched) {
          received.push(m);
          queue.push(m);
          wake?.();
        }
      } finally {
        ended = true;
        wake?.();
      }
    })();
    pump.catch(() => {}); // rethrown below, once the messages in hand are handled
    const alive = setInterval(
      () => {
        for (const m of received) m.working(); // a no-op for those already acked
      },
      Math.max(100, this.o.ackWaitMs / 3),
    );
    try {
      for (;;) {
        if (queue.length === 0) {
          if (ended) break;
          await new Promise<void>((r) => {
            wake = r;
          });
          wake = undefined;
          continue;
        }
        const msgs = queue;
        queue = [];
        await this.handleBatch(msgs);
      }
      await pump;
    } finally {
      clearInterval(alive);
    }
  }

  private async handleBatch(msgs: JsMsg[]): Promise<void> {
    const { options } = this.o;
    const events = msgs.map((m) => m.json<EventRecord>());
    const wanted = events.filter((e) => wants(options, e));
    if (options.batch && wanted.length > 0) {
      try {
        await options.batch(wanted);
        for (const m of msgs) m.ack();
        return;
      } catch (e) {
        this.o.logger.warn({ err: toError(e), group: this.o.group }, 'batch failed; delivering one by one');
      }
    }
    for (const [i, m] of msgs.entries()) {
      const event = events[i] as EventRecord;
      if (wants(options, event)) await this.deliver(m, event);
      m.ack();
    }
  }

  private async deliver(m: JsMsg, event: EventRecord): Promise<void> {
    const max = this.o.options.maxDeliver ?? DEFAULT_MAX_DELIVER;
    let delay = this.o.options.backoffMs ?? DEFAULT_BACKOFF_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.o.handler(event);
        return;
      } catch (e) {
        const err = toError(e);
        if (attempt >= max) {
          await this.deadLetter(event, attempt, err);
          return;
        }
        this.o.logger.warn(
          { err, group: this.o.group, event: event.id, attempt },
          'handler failed; backing off',
        );
        m.working();
        await sleep(delay);
        delay *= 2;
      }
    }
  }

  private async deadLetter(event: EventRecord, attempts: number, err: Error): Promise<void> {
    const { group } = this.o;
    this.o.logger.error({ err, group, event: event.id, attempts }, 'event dead-lettered');
    const h = natsHeaders();
    h.set('Flashmob-Consumer', group);
    h.set('Flashmob-Attempts', String(attempts));
    h.set('Flashmob-Error', err.message.slice(0, 500).replace(/[\r\n]/g, ' '));
    await this.o.js.publish(`${this.o.names.dlqSubject}.${durable(group)}`, JSON.stringify(event), {
      headers: h,
    });
  }
}
