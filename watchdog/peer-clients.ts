/**
 * One gRPC client per peer unit, created on first use from the peer directory (CLI/env
 * `--peers`, or the gateway's PEERS frame). Every call carries the cluster token.
 */
import * as grpc from '@grpc/grpc-js';
import { statePeerService, type FlowStateMsg, type PullItemMsg, type PullReplyMsg, type PushReplyMsg } from '../proto/load';

export class PeerClients {
  private readonly addresses = new Map<number, string>();
  private readonly clients = new Map<number, grpc.Client>();
  private readonly md = new grpc.Metadata();

  constructor(readonly selfId: number, token: string, readonly deadlineMs = 2000) {
    this.md.set('authorization', `Bearer ${token}`);
  }

  setAddress(unit: number, address: string): void {
    if (this.addresses.get(unit) === address) return;
    this.addresses.set(unit, address);
    this.clients.get(unit)?.close();
    this.clients.delete(unit);
  }

  address(unit: number): string | undefined {
    return this.addresses.get(unit);
  }

  private client(unit: number): any {
    let c = this.clients.get(unit);
    if (c === undefined) {
      const addr = this.addresses.get(unit);
      if (addr === undefined) throw new Error(`no address for unit ${unit}`);
      c = new (statePeerService().Client)(addr, grpc.credentials.createInsecure());
      this.clients.set(unit, c);
    }
    return c;
  }

  push(unit: number, flows: FlowStateMsg[]): Promise<PushReplyMsg> {
    return new Promise((resolve, reject) => {
      try {
        this.client(unit).Push({ fromUnit: this.selfId, flows }, this.md, { deadline: Date.now() + this.deadlineMs },
          (err: Error | null, r: PushReplyMsg) => (err ? reject(err) : resolve(r)));
      } catch (err) {
        reject(err);
      }
    });
  }

  pull(unit: number, flows: PullItemMsg[]): Promise<PullReplyMsg> {
    return new Promise((resolve, reject) => {
      try {
        this.client(unit).Pull({ fromUnit: this.selfId, flows }, this.md, { deadline: Date.now() + this.deadlineMs },
          (err: Error | null, r: PullReplyMsg) => (err ? reject(err) : resolve(r)));
      } catch (err) {
        reject(err);
      }
    });
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}
