import { DeliverPolicy, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { toError } from '../errors.ts';
import { sleep } from '../signal.ts';
import type { EventRecord } from './events.ts';

/** The tail: every event from now on, on every node (an ordered consumer; feeds real time). */
export class NatsTail {
  private readonly listeners = new Set<(events: readonly EventRecord[]) => void>();
  private stopped: (() => boolean) | undefined;
  private halt: (() => void) | undefined;

  constructor(
    private readonly stream: string,
    private readonly logger: Logger,
  ) {}

  add(listener: (events: readonly EventRecord[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts following the stream if anyone listens and it is not followed yet. */
  start(js: JetStreamClient): void {
    if (this.stopped || this.listeners.size === 0) return;
    let stopped = false;
    this.stopped = () => stopped;
    this.halt = () => {
      stopped = true;
    };
    void (async () => {
      while (!stopped) {
        try {
          const consumer = await js.consumers.get(this.stream, { deliver_policy: DeliverPolicy.New });
          const messages = await consumer.consume();
          for await (const m of messages) {
            if (stopped) break;
            this.deliver(m.json<EventRecord>());
          }
        } catch (e) {
          if (stopped) return;
          this.logger.warn({ err: toError(e) }, 'tail failed; resubscribing');
          await sleep(250);
        }
      }
    })();
  }

  stop(): void {
    this.halt?.();
    this.halt = undefined;
    this.stopped = undefined;
  }

  private deliver(event: EventRecord): void {
    for (const l of this.listeners) {
      try {
        l([event]);
      } catch (e) {
        this.logger.error({ err: toError(e) }, 'tail listener failed');
      }
    }
  }
}

/**
 * Ephemeral fan-out over core NATS (chat, reactions, presence, moderation): not stored, every
 * node with a listener gets every message. Listeners added before the connection are attached
 * when it comes.
 */
export class NatsFanout {
  private nc: NatsConnection | undefined;
  private readonly subs = new Map<string, Set<(data: unknown) => void>>();
  private readonly natsSubs = new Map<string, Subscription>();

  constructor(
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  attach(nc: NatsConnection): void {
    this.nc = nc;
    for (const [subject, listeners] of this.subs) if (listeners.size > 0) this.listen(subject);
  }

  detach(): void {
    this.nc = undefined;
    this.natsSubs.clear();
  }

  publish(subject: string, data: unknown): void {
    this.nc?.publish(`${this.prefix}.${subject}`, JSON.stringify(data));
  }

  subscribe(subject: string, listener: (data: unknown) => void): () => void {
    let set = this.subs.get(subject);
    if (!set) {
      set = new Set();
      this.subs.set(subject, set);
    }
    set.add(listener);
    this.listen(subject);
    return () => {
      set.delete(listener);
      if (set.size === 0) {
        this.subs.delete(subject);
        this.natsSubs.get(subject)?.unsubscribe();
        this.natsSubs.delete(subject);
      }
    };
  }

  private listen(subject: string): void {
    if (!this.nc || this.natsSubs.has(subject)) return;
    const sub = this.nc.subscribe(`${this.prefix}.${subject}`, {
      callback: (err, msg) => {
        if (err) return;
        let data: unknown;
        try {
          data = msg.json();
        } catch {
          return; // not a message of ours (they are JSON): nothing to deliver
        }
        for (const l of this.subs.get(subject) ?? []) {
          try {
            l(data);
          } catch (e) {
            this.logger.error({ err: toError(e), subject }, 'subscriber failed');
          }
        }
      },
    });
    this.natsSubs.set(subject, sub);
  }
}
